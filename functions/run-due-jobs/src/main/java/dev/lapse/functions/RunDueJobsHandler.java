package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lapse.Lapse;
import dev.lapse.run.DeadLetters;
import dev.lapse.run.DueSoonQueue;
import dev.lapse.run.ExpiredJobRunner;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The precise path: runs jobs from the due-jobs queue (SQS, {@code DelaySeconds} up to 15 minutes).
 * A message only points at a job; the job runs if it is still in the Jobs table as the same
 * occurrence, and taking it out of the table is what decides between this path and the TTL path
 * (and a cancel): exactly one of them gets it.
 */
public final class RunDueJobsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(RunDueJobsHandler.class);

    private final JobStore store;
    private final ExpiredJobRunner runner;
    private final DeadLetters deadLetters;
    private final Optional<DueSoonQueue> dueSoon;
    private final Clock clock;

    public RunDueJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunDueJobsHandler(Lapse lapse) {
        this.store = lapse.store();
        this.runner = lapse.runner();
        this.deadLetters = lapse.deadLetters();
        this.dueSoon = lapse.dueSoon();
        this.clock = lapse.clock();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                handle(message);
            } catch (RuntimeException e) {
                LOG.warn("message {} failed and will be retried: {}", message.getMessageId(), e.toString());
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private void handle(SQSEvent.SQSMessage message) {
        DueSoonQueue.Message pointer;
        try {
            pointer = DueSoonQueue.Message.parse(message.getBody());
        } catch (RuntimeException e) {
            LOG.error("message {} is not a due-jobs message ({}); dropped, the TTL path still runs any job", message.getMessageId(),
                    e.getMessage());
            return;
        }
        if (clock.instant().isBefore(pointer.dueAt()) && dueSoon.isPresent()) {
            // SQS delays are rounded up, so this only happens with a skewed clock: send it again for the rest.
            dueSoon.get().resend(pointer);
            LOG.warn("job {} arrived before its due time {}; sent again for the remaining delay", pointer.jobId(), pointer.dueAt());
            return;
        }
        var taken = store.take(pointer.jobId(), pointer.occurrenceId());
        if (taken.isEmpty()) {
            LOG.info("job {} occurrence {} is no longer pending (cancelled, rescheduled or run by TTL)", pointer.jobId(),
                    pointer.occurrenceId());
            return;
        }
        var job = taken.get();
        try {
            runner.run(job, "due-jobs-queue");
        } catch (RuntimeException e) {
            // The job is out of the table and only this invocation holds it: put it back before failing.
            try {
                if (store.rearm(job)) {
                    dueSoon.ifPresent(q -> q.offer(job));
                }
                LOG.warn("job {} hit a transient failure and was put back: {}", job.jobId(), e.toString());
            } catch (RuntimeException putBack) {
                deadLetters.send(job, "transient failure (" + e + ") and could not be put back: " + putBack, clock.instant());
                LOG.error("job {} could not be put back, dead-lettered: {}", job.jobId(), putBack.toString());
            }
        }
    }
}
