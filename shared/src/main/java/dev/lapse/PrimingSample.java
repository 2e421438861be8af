package dev.lapse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.Replayer;
import dev.lapse.schedule.RecurringJobs;
import dev.lapse.store.JobItems;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sample event each function primes with (see {@link Priming}): what its first event would do,
 * run through the same shared service its handler calls. Every AWS call it makes is answered in-process.
 */
public enum PrimingSample {
    /** Schedules a sample job due in 10 minutes (the precise path too). */
    SCHEDULE_JOB(lapse -> {
        Instant now = lapse.clock().instant();
        var request = Json.object().put("detail-type", "Schedule Job").put("source", "lapse.priming");
        request.putObject("detail").put("jobId", Priming.SAMPLE_JOB_ID).put("jobType", "lapse.priming")
                .put("dueAt", now.plusSeconds(600).truncatedTo(ChronoUnit.SECONDS).toString()).putObject("payload").put("priming", true);
        Json.write(lapse.endpoint().handle(Json.write(request).getBytes(StandardCharsets.UTF_8)));
    }),
    /** Runs the sample jobs (a generic one, then a licence deactivation) as TTL deletions of their items. */
    RUN_EXPIRED_JOBS(lapse -> {
        for (Job job : sampleJobs(lapse)) {
            attempt(() -> lapse.expiredJobs().handle(job.jobId(), "REMOVE", true, () -> JobItems.toItem(job), job));
        }
    }),
    /** Handles a sample due-jobs message (its job is not found), then runs the sample jobs as the queue's. */
    RUN_DUE_JOBS(lapse -> {
        List<Job> jobs = sampleJobs(lapse);
        // a batch of one, as the handler hands it over: the batch's read of its jobs, then the message
        attempt(() -> lapse.dueJobMessages().handleAll(List.of(DueJobsQueue.Message.of(jobs.get(0)).body()), body -> Priming.SAMPLE_JOB_ID,
                body -> body));
        jobs.forEach(job -> attempt(() -> lapse.dueJobMessages().run(job)));
    }),
    /** Runs two sample firings: a generic job, then the licence reconciliation. */
    RUN_RECURRING_JOBS(lapse -> {
        String at = lapse.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString();
        for (String jobType : new String[] {"lapse.priming", RecurringJobs.RECONCILE}) {
            ObjectNode firing = Json.object().put("jobType", jobType).put("scheduleName", "lapse-priming").put("scheduledTime", at);
            attempt(() -> Json.write(lapse.recurring().handle(Json.read(Json.write(firing)))));
        }
    }),
    /** One of each of a sweep's calls, with a sample job ({@link dev.lapse.sweep.DueJobsSweep#prime}), and its report written as the answer. */
    SWEEP_DUE_JOBS(lapse -> lapse.sweep().ifPresent(sweep -> sweep.prime(Priming.SAMPLE_JOB_ID).json())),
    /** Replays the sample job from the dead-letter queue. */
    REPLAY_DEAD_LETTERS(lapse -> {
        var request = Json.object().put("source", Replayer.DEAD_LETTERS).put("jobId", Priming.SAMPLE_JOB_ID).put("max", 1);
        Json.write(lapse.replayer().answer(Json.write(request).getBytes(StandardCharsets.UTF_8)));
    });

    /** The generic sample job and a licence deactivation: the two actions a run can take. */
    private static List<Job> sampleJobs(Lapse lapse) {
        Job job = Priming.sampleJob(lapse.clock().instant());
        Job licence = new Job(PaidLicenses.jobIdFor(Priming.SAMPLE_JOB_ID), PaidLicenses.JOB_TYPE,
                Json.write(Json.object().put(PaidLicenses.KEY, Priming.SAMPLE_JOB_ID)), job.dueAt(), job.dueSpec(), Priming.SAMPLE_JOB_ID,
                1, Optional.empty(), List.of(), job.scheduledAt(), job.requestedBy());
        return List.of(job, licence);
    }

    /** Runs one part of a sample: the in-process answers are empty, so a part may stop early; the next still primes. */
    private static void attempt(Runnable part) {
        try {
            part.run();
        } catch (RuntimeException e) {
            // nothing to do: priming only saves time
        }
    }

    private final Consumer<Lapse> sample;

    PrimingSample(Consumer<Lapse> sample) {
        this.sample = sample;
    }

    /** Runs this sample on {@code lapse}'s services. */
    void runOn(Lapse lapse) {
        sample.accept(lapse);
    }
}
