package dev.lapse.local;

import java.util.Locale;

/**
 * What one job is billed for on AWS, in billed units: Lambda requests and GB-seconds, DynamoDB
 * write and read request units, SQS requests, EventBridge events and Scheduler invocations; and
 * what that costs per million jobs at given {@link Prices}.
 */
record JobBill(double lambdaRequests, double gbSeconds, double writeUnits, double readUnits, double sqsRequests, double events,
               double schedulerInvocations) {

    /** EventBridge Scheduler for the same effect: one one-time schedule invoking PutEvents on a bus at T (the schedule's
     *  CreateSchedule call is not billed; the event it puts is). */
    static final JobBill EVENTBRIDGE_SCHEDULER = new JobBill(0, 0, 0, 0, 0, 1, 1);

    /** Totals over {@code jobs} jobs, divided by the number of jobs. */
    static JobBill perJob(int jobs, double lambdaRequests, double gbSeconds, double writeUnits, double readUnits, double sqsRequests,
                          double events) {
        if (jobs <= 0) {
            throw new IllegalArgumentException("jobs is " + jobs + "; a bill per job needs at least one job");
        }
        return new JobBill(lambdaRequests / jobs, gbSeconds / jobs, writeUnits / jobs, readUnits / jobs, sqsRequests / jobs,
                events / jobs, 0);
    }

    double lambdaDollars(Prices p, String architecture) {
        return lambdaRequests * p.lambdaRequest() + gbSeconds * p.gbSecond(architecture);
    }

    double dynamoDollars(Prices p) {
        return writeUnits * p.writeUnit() + readUnits * p.readUnit();
    }

    double sqsDollars(Prices p) {
        return sqsRequests * p.sqsRequest();
    }

    double eventDollars(Prices p) {
        return events * p.customEvent() + schedulerInvocations * p.schedulerInvocation();
    }

    /** Dollars for one job. */
    double dollars(Prices p, String architecture) {
        return lambdaDollars(p, architecture) + dynamoDollars(p) + sqsDollars(p) + eventDollars(p);
    }

    /** "$1.23" for a million jobs. */
    static String perMillion(double dollarsPerJob) {
        return String.format(Locale.ROOT, "$%.2f", dollarsPerJob * 1e6);
    }

    /** The units and the dollars per million of each service, e.g. for a table cell. */
    String describe(Prices p, String architecture) {
        return String.format(Locale.ROOT, "Lambda %.2f req + %.4f GB-s (%s) · DynamoDB %.2f WRU + %.2f RRU (%s) · SQS %.2f req (%s) · "
                        + "EventBridge %.2f events%s (%s)", lambdaRequests, gbSeconds, perMillion(lambdaDollars(p, architecture)), writeUnits,
                readUnits, perMillion(dynamoDollars(p)), sqsRequests, perMillion(sqsDollars(p)), events,
                schedulerInvocations == 0 ? "" : String.format(Locale.ROOT, " + %.2f Scheduler invocations", schedulerInvocations),
                perMillion(eventDollars(p)));
    }
}
