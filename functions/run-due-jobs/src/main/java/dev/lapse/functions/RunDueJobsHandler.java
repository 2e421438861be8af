package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lapse.Lapse;
import dev.lapse.Priming;
import dev.lapse.run.DueSoonQueue;
import dev.lapse.run.ExpiredJobRunner;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.store.ExecutionLedger;
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

    static final String TRIGGER = "due-jobs-queue";
    static final long TRANSIENT_RETRY_SECONDS = 30;

    private final JobStore store;
    private final ExecutionLedger ledger;
    private final ExpiredJobRunner runner;
    private final Optional<DueSoonQueue> dueSoon;
    private final Clock clock;

    public RunDueJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunDueJobsHandler(Lapse lapse) {
        this.store = lapse.store();
        this.ledger = lapse.ledger();
        this.runner = lapse.runner();
        this.dueSoon = lapse.dueSoon();
        this.clock = lapse.clock();
        lapse.primeOnInit(this::prime);
    }

    /** Handles a sample due-jobs message, then runs a sample job; see {@link dev.lapse.Priming}. */
    private void prime() {
        Job job = Priming.sampleJob(clock.instant());
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(Priming.SAMPLE_JOB_ID);
        message.setBody(Json.write(Json.object().put("jobId", job.jobId()).put("occurrenceId", job.occurrenceId())
                .put("dueAt", job.dueAt().toString())));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        handleRequest(event, null);
        runOrPutBack(job, () -> runner.run(job, TRIGGER));
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
        JobStore.Taken taken = store.takeAndClaim(pointer.jobId(), pointer.occurrenceId(), ledger);
        if (taken.job().isEmpty()) {
            Optional<Job> recovered = ledger.recoverable(pointer.occurrenceId());
            if (recovered.isPresent()) {
                // Taken by an invocation that died or gave it back: the claim kept a copy; run that.
                LOG.warn("job {} occurrence {} recovered from its claim", pointer.jobId(), pointer.occurrenceId());
                runOrPutBack(recovered.get(), () -> runner.run(recovered.get(), TRIGGER));
            } else if (ledger.state(pointer.occurrenceId()) == ExecutionLedger.State.IN_FLIGHT) {
                throw new IllegalStateException("job " + pointer.jobId() + " is in flight in another invocation; look again later");
            } else {
                LOG.info("job {} occurrence {} is no longer pending (cancelled, rescheduled or run by TTL)", pointer.jobId(),
                        pointer.occurrenceId());
            }
            return;
        }
        Job job = taken.job().get();
        runOrPutBack(job, () -> runner.runClaimed(job, TRIGGER, taken.claim()));
    }

    /**
     * Runs; on a transient failure the claim has been given back and the job exists only in it, so it
     * goes back into the Jobs table for another try in {@value #TRANSIENT_RETRY_SECONDS} s (TTL and this
     * path both see it again). If even that fails, the message is retried and the claim's copy recovered.
     */
    private void runOrPutBack(Job job, Runnable run) {
        try {
            run.run();
        } catch (RuntimeException e) {
            if (!TransientFailureException.isTransient(e)) {
                throw e;
            }
            Job later = job.withAttempt(job.attempt(), clock.instant().plusSeconds(TRANSIENT_RETRY_SECONDS), job.errors());
            if (store.rearm(later)) {
                dueSoon.ifPresent(q -> q.offer(later));
            }
            LOG.warn("job {} hit a transient failure ({}); put back for {}", job.jobId(), e.getMessage(), later.dueAt());
        }
    }
}
