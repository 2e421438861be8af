package dev.lapse.sweep;

import java.time.Instant;

/** The in-memory due-time index of the sweep's tests passes the same contract as its DynamoDB adapter. */
class InMemoryIndexContractTest extends PendingJobsContract {
    private DueJobsSweepTest.Index fake;

    @Override
    protected PendingJobs newIndex() {
        fake = new DueJobsSweepTest.Index();
        return fake;
    }

    @Override
    protected void schedule(String jobId, String occurrenceId, Instant due) {
        fake.add(jobId, occurrenceId, due);
    }
}
