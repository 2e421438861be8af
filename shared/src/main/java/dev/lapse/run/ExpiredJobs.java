package dev.lapse.run;

import dev.lapse.json.Json;
import dev.lapse.store.CorruptJobException;
import dev.lapse.store.JobItems;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Runs the jobs DynamoDB TTL deleted from the Jobs table; an unreadable one is dead-lettered with its reason. */
public final class ExpiredJobs {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiredJobs.class);
    public static final String TRIGGER = "ttl";

    private final JobRunner runner;
    private final DeadLetters deadLetters;
    private final Clock clock;

    public ExpiredJobs(JobRunner runner, DeadLetters deadLetters, Clock clock) {
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /**
     * Handles one stream record: runs its old image's job if it is a TTL deletion ({@link TtlDeletion}).
     * Throws when the record should be delivered again.
     */
    public void handle(String eventId, String eventName, boolean ttlDeletion, Supplier<Map<String, AttributeValue>> oldImage,
                       Object rawRecord) {
        if (!ttlDeletion) {
            LOG.info("record {} ({}) is not a TTL deletion; ignored", eventId, eventName);
            return;
        }
        try {
            var job = JobItems.fromItem(oldImage.get());
            if (job.isDormant()) {
                LOG.info("record {}: the kept item of cancelled recurring job {} expired; nothing to run", eventId, job.jobId());
                return;
            }
            LOG.info("TTL expired job {} ({}) due {}", job.jobId(), job.type(), job.dueAt());
            runner.run(job, TRIGGER);
        } catch (CorruptJobException e) {
            LOG.error("record {} holds an unreadable job, dead-lettered: {}", eventId, e.getMessage());
            deadLetters.sendUnreadable("dynamodb-stream", Json.MAPPER.valueToTree(rawRecord), e.getMessage(), clock.instant());
        }
    }
}
