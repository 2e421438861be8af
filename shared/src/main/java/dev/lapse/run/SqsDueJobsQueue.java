package dev.lapse.run;

import dev.lapse.job.Job;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The due-jobs queue on SQS: a job due within SQS's longest delay (15 minutes) is also sent to the
 * due-jobs queue with {@code DelaySeconds}, so it runs within seconds of its due time instead of
 * waiting for DynamoDB's TTL sweeper. Whichever path takes the item out of the Jobs table first
 * runs it; the other finds it gone.
 */
public final class SqsDueJobsQueue implements DueJobsQueue {
    public static final Duration MAX_DELAY = Duration.ofSeconds(900);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Clock clock;

    public SqsDueJobsQueue(SqsClient sqs, String queueUrl, Clock clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
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
        if (delay > MAX_DELAY.toSeconds()) {
            return false;
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.body()).delaySeconds(delay));
        return true;
    }

    /** Whole seconds until {@code due}, rounded up so the message never arrives early. */
    public static int delaySeconds(Instant due, Instant now) {
        long millis = Duration.between(now, due).toMillis();
        if (millis <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
    }
}
