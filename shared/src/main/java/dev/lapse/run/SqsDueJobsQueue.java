package dev.lapse.run;

import dev.lapse.job.Job;
import dev.lapse.sweep.HandOver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The due-jobs queue on SQS: a job due within the horizon (PreciseHorizonSeconds, at most SQS's longest
 * delay, 15 minutes) is sent with {@code DelaySeconds}, when it is scheduled or by the sweep, so it runs
 * within seconds of its due time instead of waiting for DynamoDB's TTL sweeper. Whichever path takes the
 * item out of the Jobs table first runs it; the other finds it gone.
 */
public final class SqsDueJobsQueue implements DueJobsQueue, HandOver {
    public static final Duration MAX_DELAY = Duration.ofSeconds(900);
    /**
     * The shortest horizon: the sweep runs every 60 s, so a job due beyond the horizon must still be handed over by a
     * sweep before it is due; 90 s leaves 30 s for a sweep that starts late (EventBridge Scheduler fires within
     * seconds of its minute) and for its queries and sends.
     */
    public static final Duration MIN_HORIZON = Duration.ofSeconds(90);
    /** The sweep's period as deployed ({@code rate(1 minute)}); the horizon allows for it and 30 s more. */
    public static final Duration SWEEP_PERIOD = Duration.ofMinutes(1);

    /**
     * The shortest horizon for the sweep every {@code sweepPeriodSeconds} (environment variable SWEEP_PERIOD_SECONDS,
     * which only the local runtime sets, to sweep every few seconds for tests; unset or blank: every minute): the period and 30 s.
     */
    public static Duration minHorizon(String sweepPeriodSeconds) {
        if (sweepPeriodSeconds == null || sweepPeriodSeconds.isBlank()) {
            return MIN_HORIZON;
        }
        long period;
        try {
            period = Long.parseLong(sweepPeriodSeconds.trim());
        } catch (NumberFormatException e) {
            period = -1;
        }
        if (period < 1 || period > SWEEP_PERIOD.toSeconds()) {
            throw new IllegalStateException("environment variable SWEEP_PERIOD_SECONDS is \"" + sweepPeriodSeconds
                    + "\"; accepted: an integer from 1 to " + SWEEP_PERIOD.toSeconds() + ", or unset (the sweep every minute, as deployed)");
        }
        return minHorizonFor(Duration.ofSeconds(period));
    }

    /** The shortest horizon for the sweep every {@code sweepPeriod}: the period and 30 s (90 s for the minute). */
    public static Duration minHorizonFor(Duration sweepPeriod) {
        return MIN_HORIZON.minus(SWEEP_PERIOD).plus(sweepPeriod);
    }
    /**
     * How long after its due time (rounded up to the second) a job the queue carries may be deleted by DynamoDB's TTL.
     * A message arrives at most 750 ms after the due time ({@link #delaySeconds}); 2 s more leaves over a second for its
     * handling, so TTL (minutes late on AWS anyway, prompt on DynamoDB Local) stays the safety net and never races the queue.
     */
    public static final Duration TTL_GRACE = Duration.ofSeconds(2);
    /**
     * How long before its due time the sweep aims a message to arrive ({@link #sendAt}). The handler waits that out
     * (at most {@link DueJobMessages#EARLY_WAIT}); it is the margin for the send and the delivery to take.
     */
    public static final Duration SWEEP_LEAD = Duration.ofMillis(50);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Duration horizon;
    private final Clock clock;

    public SqsDueJobsQueue(SqsClient sqs, String queueUrl, Duration horizon, Clock clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.horizon = horizon;
        this.clock = clock;
    }

    @Override
    public boolean offer(Job job) {
        return send(Message.of(job));
    }

    @Override
    public boolean resend(Message message) {
        return send(message);
    }

    private boolean send(Message message) {
        int delay = delaySeconds(message.dueAt(), clock.instant());
        if (delay > horizon.toSeconds()) {
            return false;
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.body()).delaySeconds(delay));
        return true;
    }

    /** Sends up to ten messages in one call, each delayed until its due time; returns those SQS accepted. */
    @Override
    public List<Message> send(List<Message> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            int delay = (int) Math.min(MAX_DELAY.toSeconds(), delaySeconds(m.dueAt(), now));
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(m.body()).delaySeconds(delay).build());
        }
        SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        return response.successful().stream().map(ok -> batch.get(Integer.parseInt(ok.id()))).toList();
    }

    /**
     * The instant, at or after {@code earliest}, at which to send a message for {@code due} so that it arrives
     * {@link #SWEEP_LEAD} before it: the delay is whole seconds ({@link #delaySeconds}), so a message arrives a whole
     * number of seconds after it is sent, and only the sending instant within the next second sets when in the second
     * it arrives. Sent at any other instant it arrives up to {@link DueJobMessages#EARLY_WAIT} early or up to 750 ms late.
     * A job due sooner than the lead is sent at once.
     */
    @Override
    public Instant sendAt(Instant due, Instant earliest) {
        long ahead = Duration.between(earliest, due.minus(SWEEP_LEAD)).toMillis();
        return ahead <= 0 ? earliest : earliest.plusMillis(ahead % 1000);
    }

    /**
     * Whole seconds until {@code due} less {@link DueJobMessages#EARLY_WAIT}, rounded up: the message arrives at most that
     * early (its handler waits out the rest, so the job still never runs early) and at most 1 s less that late. Rounding
     * the whole delay up instead would make a recurring job drift: each occurrence, armed as the previous one runs,
     * would arrive as late as the previous one plus its own handling.
     */
    public static int delaySeconds(Instant due, Instant now) {
        long millis = Duration.between(now, due).toMillis() - DueJobMessages.EARLY_WAIT.toMillis();
        if (millis <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
    }
}
