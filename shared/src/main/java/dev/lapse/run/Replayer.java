package dev.lapse.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.job.JobJson;
import dev.lapse.job.RequestError;
import dev.lapse.json.Json;
import dev.lapse.store.CorruptJobException;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobItems;
import dev.lapse.store.JobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Puts failed jobs back on schedule, as new occurrences (attempt 1) due now or at a given time:
 * from the jobs dead-letter queue ({@code "dead-letters"}), from the stream's on-failure
 * destination ({@code "stream-failures"}), whose records only point at a range of the stream: the
 * jobs are read back from the stream (kept 24 hours) by sequence number, or from the due-jobs queue's redrive
 * queue ({@code "due-jobs-redrive"}), whose jobs are read back from their claims. A message is deleted only
 * once all its jobs are back in the Jobs table; a message it cannot replay stays in the queue.
 */
public final class Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String STREAM_FAILURES = "stream-failures";
    public static final String DUE_JOBS_REDRIVE = "due-jobs-redrive";

    /** Told of each job put back (its dead-lettered occurrence), e.g. to take it off the dead-letter listing. */
    private java.util.function.Consumer<Job> onReplayed = job -> { };

    private final SqsClient sqs;
    private final Optional<DynamoDbStreamsClient> streams;
    private final JobStore store;
    private final Optional<? extends Claims> ledger;
    private final Optional<SqsDueJobsQueue> dueJobs;
    private final Clock clock;
    private final String deadLetterQueueUrl;
    private final Optional<String> streamFailureQueueUrl;
    private final Optional<String> dueJobsRedriveQueueUrl;
    private final boolean requireTtlIdentity;

    public Replayer(SqsClient sqs, Optional<DynamoDbStreamsClient> streams, JobStore store, Optional<? extends Claims> ledger,
                    Optional<SqsDueJobsQueue> dueJobs, Clock clock, String deadLetterQueueUrl, Optional<String> streamFailureQueueUrl,
                    Optional<String> dueJobsRedriveQueueUrl, boolean requireTtlIdentity) {
        this.dueJobsRedriveQueueUrl = dueJobsRedriveQueueUrl;
        this.requireTtlIdentity = requireTtlIdentity;
        this.sqs = sqs;
        this.streams = streams;
        this.store = store;
        this.ledger = ledger;
        this.dueJobs = dueJobs;
        this.clock = clock;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.streamFailureQueueUrl = streamFailureQueueUrl;
    }

    /**
     * A direct invocation: the request's raw bytes, answered with {@link #replay}'s answer and {@code "ok": true},
     * or with the error that names what is wrong (not JSON, a bad field).
     */
    public ObjectNode answer(byte[] input) {
        try {
            return replay(Json.MAPPER.readTree(input)).put("ok", true);
        } catch (InvalidRequestException e) {
            return RequestError.invalid(e).answer();
        } catch (JsonProcessingException e) {
            return RequestError.unreadable("not valid JSON: " + Json.problem(e)).answer();
        } catch (NumberFormatException e) {
            return RequestError.invalid(new InvalidRequestException("(request)", "holds a number whose exponent is out of range",
                    "a JSON object of source, jobId, max and dueAt")).answer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets who is told of each job put back (one listener; best effort: a failure is logged, the replay stands). */
    public void onReplayed(java.util.function.Consumer<Job> listener) {
        this.onReplayed = job -> {
            try {
                listener.accept(job);
            } catch (RuntimeException e) {
                LOG.warn("job {} replayed, but its listener failed: {}", job.jobId(), e.toString());
            }
        };
    }

    /**
     * Request: {@code {"source": "dead-letters" | "stream-failures" | "due-jobs-redrive", "jobId": optional, "max": optional (default 100),
     * "dueAt": optional ISO instant}}. Answer: replayed job ids, and messages left in the queue with why.
     * With a {@code jobId} the replay ends as soon as that job is back (it is pending again, so any other
     * message of it would be refused): no further poll of the queue.
     */
    public ObjectNode replay(JsonNode request) {
        ReplayRequest asked = ReplayRequest.of(request, clock.instant());
        String source = asked.source();
        Optional<String> jobId = asked.jobId();
        int max = asked.max();
        Instant due = asked.dueAt();
        String queueUrl = switch (source) {
            case DEAD_LETTERS -> deadLetterQueueUrl;
            case STREAM_FAILURES -> streamFailureQueueUrl.orElseThrow(() ->
                    new InvalidRequestException("source", "is stream-failures but STREAM_FAILURE_QUEUE_URL is not set", "dead-letters"));
            case DUE_JOBS_REDRIVE -> dueJobsRedriveQueueUrl.orElseThrow(() ->
                    new InvalidRequestException("source", "is due-jobs-redrive but DUE_JOBS_REDRIVE_QUEUE_URL is not set", "dead-letters"));
            default -> throw new InvalidRequestException("source", "is \"" + source + "\"",
                    "dead-letters, stream-failures or due-jobs-redrive");
        };
        ObjectNode answer = Json.object().put("source", source);
        ArrayNode replayed = answer.putArray("replayed");
        ArrayNode left = answer.putArray("left");
        Set<String> seen = new HashSet<>();
        long started = clock.millis();
        int limit = jobId.isPresent() ? 1 : max;
        while (replayed.size() < limit) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(30).messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
            // Only what was there when the replay started: a replayed job that fails again is not replayed in a loop.
            List<Message> fresh = messages.stream().filter(m -> seen.add(m.messageId()))
                    .filter(m -> sentBefore(m, started)).toList();
            messages.stream().filter(m -> !fresh.contains(m)).forEach(m -> release(queueUrl, m)); // each once, at once
            if (fresh.isEmpty()) {
                break;
            }
            for (Message m : fresh) {
                String why;
                try {
                    List<Job> jobs = switch (source) {
                        case DEAD_LETTERS -> fromDeadLetter(m.body());
                        case STREAM_FAILURES -> fromStreamFailure(m.body());
                        default -> fromRedrive(m.body());
                    };
                    if (jobs.isEmpty()) {
                        // Its job has run, been cancelled or is back in the table: nothing is left to replay.
                        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        continue;
                    }
                    List<Job> wanted = jobs.stream().filter(j -> jobId.map(id -> id.equals(j.jobId()) || id.equals(j.ownerJobId())).orElse(true)).toList();
                    if (wanted.isEmpty() || replayed.size() + wanted.size() > max) {
                        release(queueUrl, m);
                        continue;
                    }
                    List<String> refused = new ArrayList<>();
                    for (Job job : wanted) {
                        // The same message replayed twice is the same occurrence, which the ledger runs once.
                        String occurrence = Occurrences.replay(m.messageId(), job.jobId(), job.occurrenceId());
                        // an occurrence of a recurring job comes back as a waiting copy of its series (never over the
                        // series' own item), keeping the series' scheduledAt, by which the copy knows its series
                        Job copy = job.waitingCopy();
                        Job fresh1 = new Job(copy.jobId(), job.type(), job.payload(), due, "replay:" + due, occurrence, 1,
                                job.retryPolicy(), List.of(), job.series().isPresent() ? job.scheduledAt() : clock.instant(), "replay",
                                job.series());
                        if (store.rearm(fresh1)) {
                            dueJobs.ifPresent(q -> q.offer(fresh1));
                            replayed.add(job.jobId());
                            onReplayed.accept(job);
                            LOG.info("replayed job {} ({}) from {}, due {}", job.jobId(), job.type(), source, due);
                        } else {
                            refused.add(job.jobId());
                        }
                    }
                    if (refused.isEmpty() && wanted.size() == jobs.size()) {
                        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        continue;
                    }
                    why = refused.isEmpty() ? "other jobs of this message were not selected"
                            : "job id(s) " + refused + " are pending again; cancel them first";
                } catch (RuntimeException e) {
                    why = e.getMessage();
                }
                left.addObject().put("messageId", m.messageId()).put("reason", why);
                release(queueUrl, m);
            }
        }
        return answer;
    }

    private static boolean sentBefore(Message m, long started) {
        String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return sent == null || Long.parseLong(sent) < started;
    }

    private void release(String queueUrl, Message m) {
        sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
    }

    static List<Job> fromDeadLetter(String body) {
        JsonNode message = Json.read(body);
        JsonNode j = message.path("job");
        if (!j.isObject()) {
            throw new IllegalArgumentException("message holds no readable job (" + message.path("reason").asText("no reason") + ")");
        }
        return List.of(JobJson.fromDeadLetter(j));
    }

    /** A due-jobs message SQS gave up on: its job lives on only in its released claim, if anywhere. */
    private List<Job> fromRedrive(String body) {
        DueJobsQueue.Message pointer = DueJobsQueue.Message.parse(body);
        Claims l = ledger.orElseThrow(() -> new IllegalStateException("no ledger"));
        if (l.state(pointer.occurrenceId()) == ExecutionLedger.State.IN_FLIGHT && l.recoverable(pointer.occurrenceId()).isEmpty()) {
            throw new IllegalStateException("job " + pointer.jobId() + " is in flight; try again later");
        }
        return l.recoverable(pointer.occurrenceId()).map(List::of).orElse(List.of());
    }

    private List<Job> fromStreamFailure(String body) {
        JsonNode info = Json.read(body).path("DDBStreamBatchInfo");
        if (!info.isObject()) {
            throw new IllegalArgumentException("not a Lambda on-failure record of a DynamoDB stream (no DDBStreamBatchInfo)");
        }
        DynamoDbStreamsClient client = streams.orElseThrow(() -> new IllegalStateException("no DynamoDB Streams client"));
        String streamArn = info.path("streamArn").asText();
        String shardId = info.path("shardId").asText();
        String startText = info.path("startSequenceNumber").asText();
        BigInteger start = new BigInteger(startText);
        BigInteger end = new BigInteger(info.path("endSequenceNumber").asText());
        String iterator = client.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(startText)).shardIterator();
        List<Job> jobs = new ArrayList<>();
        int empty = 0;
        while (iterator != null && empty < 3) {
            String it = iterator;
            var response = client.getRecords(r -> r.shardIterator(it).limit(1000));
            iterator = response.nextShardIterator();
            if (response.records().isEmpty()) {
                empty++;
                continue;
            }
            for (Record record : response.records()) {
                BigInteger seq = new BigInteger(record.dynamodb().sequenceNumber());
                if (seq.compareTo(end) > 0) {
                    return jobs;
                }
                if (record.eventName() == OperationType.REMOVE && record.dynamodb().hasOldImage() && isTtlDeletion(record)) {
                    try {
                        Job job = JobItems.fromItem(new HashMap<String, AttributeValue>(record.dynamodb().oldImage()));
                        ExecutionLedger.State state = ledger.map(l -> l.state(job.occurrenceId())).orElse(null);
                        if (state == null || state == ExecutionLedger.State.RELEASED || state == ExecutionLedger.State.IN_FLIGHT) {
                            jobs.add(job);
                        } else {
                            LOG.info("stream record {}: job {} already {}; not replayed", seq, job.jobId(), state);
                        }
                    } catch (CorruptJobException e) {
                        LOG.warn("stream record {} holds an unreadable job: {}", seq, e.getMessage());
                    }
                }
            }
        }
        if (jobs.isEmpty()) {
            throw new IllegalStateException("no unfinished job found in " + streamArn + " " + shardId + " " + start + ".." + end
                    + " (stream records are kept 24 hours)");
        }
        return jobs;
    }

    /** A cancel, an operator's delete or the due-jobs path's take sits in the same range of the stream and must not come back. */
    private boolean isTtlDeletion(Record record) {
        var identity = record.userIdentity();
        AttributeValue ttl = record.dynamodb().oldImage().get(JobItems.TTL);
        return TtlDeletion.isTtlDeletion(true, identity == null ? null : identity.type(), identity == null ? null : identity.principalId(),
                ttl == null ? null : ttl.n(), record.dynamodb().approximateCreationDateTime(), requireTtlIdentity);
    }
}
