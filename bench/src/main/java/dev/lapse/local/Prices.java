package dev.lapse.local;

/**
 * Published on-demand prices, in dollars per billed unit, that turn a job's calls into dollars
 * ({@link JobBill}). {@link #US_EAST_1} was read on 2026-11-23 from the price pages named in the
 * README's cost section: Lambda (aws.amazon.com/lambda/pricing), DynamoDB on-demand
 * (aws.amazon.com/dynamodb/pricing/on-demand), SQS (aws.amazon.com/sqs/pricing), EventBridge events
 * and Scheduler (aws.amazon.com/eventbridge/pricing). Free tiers are left out: the figures are for
 * the millionth job, not the first.
 */
record Prices(double lambdaRequest, double gbSecondX86, double gbSecondArm, double writeUnit, double readUnit, double sqsRequest,
              double customEvent, double schedulerInvocation) {
    private static final double PER_MILLION = 1e-6;

    /** US East (N. Virginia): Lambda $0.20/M requests, $0.0000166667 (x86) / $0.0000133334 (arm64) per GB-s (first tier);
     *  DynamoDB $0.625/M write and $0.125/M read request units; SQS standard $0.40/M requests; EventBridge custom events $1.00/M;
     *  EventBridge Scheduler $1.00/M invocations after 14 M free a month. */
    static final Prices US_EAST_1 = new Prices(0.20 * PER_MILLION, 0.0000166667, 0.0000133334, 0.625 * PER_MILLION,
            0.125 * PER_MILLION, 0.40 * PER_MILLION, 1.00 * PER_MILLION, 1.00 * PER_MILLION);

    /** The GB-second price of a Lambda architecture as the template names it ({@code arm64} or {@code x86_64}). */
    double gbSecond(String architecture) {
        if ("arm64".equals(architecture)) {
            return gbSecondArm;
        }
        if ("x86_64".equals(architecture)) {
            return gbSecondX86;
        }
        throw new IllegalArgumentException("Architectures is " + architecture + "; Lambda accepts x86_64 or arm64");
    }
}
