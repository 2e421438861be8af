package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobItems;
import dev.lapse.store.JobStore;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The replay of dead letters and stream failures, on in-memory SQS, Jobs table and stream: each job comes back as a new
 * occurrence (attempt 1) due when asked; a message is deleted only once all its jobs are back, and kept (released,
 * with why) otherwise; only what was in the queue when the replay started is replayed; from the stream, only TTL
 * deletions in the record's range come back.
 */
class ReplayerTest {
    static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    static final String DLQ = "dlq";
    static final String STREAM_FAILURES_QUEUE = "stream-failures";
    static final String DUE_JOBS = "due-jobs";

    /** SQS in memory: queues by URL, receive hides a message until it is deleted or released. */
    static final class Queues implements SqsClient {
        record Sent(String queueUrl, String id, String body, long sentAt, Integer delay) {
        }

        final SettableClock clock;
        final List<Sent> sent = new ArrayList<>();
        final Set<String> hidden = new HashSet<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        /** Every receive, delete and release, in order. */
        final List<String> calls = new ArrayList<>();

        Queues(SettableClock clock) {
            this.clock = clock;
        }

        List<Sent> in(String queueUrl) {
            return sent.stream().filter(s -> s.queueUrl().equals(queueUrl) && !deleted.contains(s.id())).toList();
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            String id = "m" + sent.size();
            sent.add(new Sent(request.queueUrl(), id, request.messageBody(), clock.millis(), request.delaySeconds()));
            return SendMessageResponse.builder().messageId(id).build();
        }

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
            calls.add("receive");
            List<Message> out = new ArrayList<>();
            for (Sent s : in(request.queueUrl())) {
                if (out.size() < request.maxNumberOfMessages() && hidden.add(s.id())) {
                    out.add(Message.builder().messageId(s.id()).receiptHandle(s.id()).body(s.body())
                            .attributes(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP, Long.toString(s.sentAt()))).build());
                }
            }
            return ReceiveMessageResponse.builder().messages(out).build();
        }

        @Override
        public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
            calls.add("delete");
            deleted.add(request.receiptHandle());
            hidden.remove(request.receiptHandle());
            return DeleteMessageResponse.builder().build();
        }

        @Override
        public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
            assertThat(request.visibilityTimeout()).as("a message left behind is released at once").isZero();
            calls.add("release");
            hidden.remove(request.receiptHandle());
            released.add(request.receiptHandle());
            return ChangeMessageVisibilityResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    /** A Jobs table whose re-arm refuses the ids that are pending. */
    static final class Table implements DynamoDbClient {
        final Set<String> pending = new HashSet<>();
        final Map<String, Map<String, AttributeValue>> written = new LinkedHashMap<>();

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            String jobId = request.item().get(JobItems.JOB_ID).s();
            if (pending.contains(jobId)) {
                throw ConditionalCheckFailedException.builder().message("pending").build();
            }
            written.put(jobId, request.item());
            return PutItemResponse.builder().build();
        }

        Job job(String jobId) {
            return JobItems.fromItem(written.get(jobId));
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    /** One shard of a stream: pages of records, then empty pages. */
    static final class Stream implements DynamoDbStreamsClient {
        final List<List<Record>> pages = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            asked.add(request.streamArn() + " " + request.shardId() + " " + request.shardIteratorType() + " " + request.sequenceNumber());
            assertThat(request.shardIteratorType()).isEqualTo(ShardIteratorType.AT_SEQUENCE_NUMBER);
            return GetShardIteratorResponse.builder().shardIterator("it-0").build();
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            int page = Integer.parseInt(request.shardIterator().substring(3));
            asked.add(request.shardIterator());
            List<Record> records = page < pages.size() ? pages.get(page) : List.of();
            return GetRecordsResponse.builder().records(records).nextShardIterator("it-" + (page + 1)).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    final SettableClock clock = new SettableClock(NOW);
    final Queues sqs = new Queues(clock);
    final Table table = new Table();
    final Stream stream = new Stream();
    final List<String> told = new ArrayList<>();
    final Replayer replayer = new Replayer(sqs, Optional.of(stream), new JobStore(table, "jobs"), Optional.empty(),
            Optional.of(new SqsDueJobsQueue(sqs, DUE_JOBS, Duration.ofSeconds(900), clock)), clock, DLQ,
            Optional.of(STREAM_FAILURES_QUEUE), Optional.empty(), true);

    ReplayerTest() {
        replayer.onReplayed(job -> told.add(job.jobId() + "/" + job.occurrenceId()));
    }

    static Job failed(String jobId) {
        Instant due = NOW.minusSeconds(600);
        return new Job(jobId, "invoice.remind", "{\"n\":12345678901234567.89}", due, due.toString(), "occ-" + jobId, 5,
                Optional.empty(), List.of(new Job.AttemptError(5, due, "boom")), due.minusSeconds(60), "billing");
    }

    void deadLetter(String jobId) {
        new DeadLetters(sqs, DLQ).send(failed(jobId), "failed after 5 attempt(s)", NOW.minusSeconds(300));
    }

    JsonNode replay(String request) {
        return replayer.replay(Json.read(request));
    }

    @Test
    void aDeadLetteredJobComesBackAsANewFirstAttemptDueWhenAskedAndItsMessageIsDeleted() {
        deadLetter("invoice-1");
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"dead-letters\", \"dueAt\": \"2026-12-01T08:05:00Z\"}");

        assertThat(answer.path("replayed").toString()).isEqualTo("[\"invoice-1\"]");
        assertThat(answer.path("left").size()).isZero();
        Job back = table.job("invoice-1");
        Job before = failed("invoice-1");
        assertThat(back.dueAt()).isEqualTo(Instant.parse("2026-12-01T08:05:00Z"));
        assertThat(back.dueSpec()).isEqualTo("replay:2026-12-01T08:05:00Z");
        assertThat(back.attempt()).isEqualTo(1);
        assertThat(back.errors()).isEmpty();
        assertThat(back.occurrenceId()).isEqualTo(Occurrences.replay("m0", "invoice-1", before.occurrenceId()))
                .isNotEqualTo(before.occurrenceId());
        assertThat(back.payload()).isEqualTo(before.payload());
        assertThat(back.type()).isEqualTo(before.type());
        assertThat(back.requestedBy()).isEqualTo("replay");
        assertThat(back.scheduledAt()).isEqualTo(clock.instant());
        assertThat(sqs.deleted).containsExactly("m0");
        assertThat(sqs.in(DUE_JOBS)).as("due within the horizon: offered to the due-jobs queue").singleElement()
                .satisfies(m -> assertThat(m.delay()).isEqualTo(SqsDueJobsQueue.delaySeconds(back.dueAt(), clock.instant())));
        assertThat(told).containsExactly("invoice-1/" + before.occurrenceId());
    }

    @Test
    void withoutADueTimeTheJobIsDueNowAndAFailingListenerDoesNotUndoTheReplay() {
        deadLetter("invoice-1");
        replayer.onReplayed(job -> {
            throw new IllegalStateException("history table down");
        });
        clock.tick(Duration.ofSeconds(1));

        assertThat(replay("{}").path("replayed").toString()).as("the source is dead-letters by default").isEqualTo("[\"invoice-1\"]");
        assertThat(table.job("invoice-1").dueAt()).isEqualTo(clock.instant());
        assertThat(sqs.deleted).containsExactly("m0");
    }

    @Test
    void aJobThatIsPendingAgainIsNotOverwrittenAndItsMessageStaysWithWhy() {
        deadLetter("invoice-1");
        deadLetter("invoice-2");
        table.pending.add("invoice-1");
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"dead-letters\"}");

        assertThat(answer.path("replayed").toString()).isEqualTo("[\"invoice-2\"]");
        assertThat(answer.path("left").get(0).path("messageId").asText()).isEqualTo("m0");
        assertThat(answer.path("left").get(0).path("reason").asText()).isEqualTo("job id(s) [invoice-1] are pending again; cancel them first");
        assertThat(sqs.deleted).containsExactly("m1");
        assertThat(sqs.released).contains("m0");
        assertThat(table.written).containsOnlyKeys("invoice-2");
        assertThat(sqs.in(DUE_JOBS)).hasSize(1);
        assertThat(told).containsExactly("invoice-2/occ-invoice-2");
    }

    @Test
    void aReplayOfOneJobLeavesTheOthersInTheQueueUntouched() {
        deadLetter("invoice-1");
        deadLetter("invoice-2");
        deadLetter("invoice-3");
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"dead-letters\", \"jobId\": \"invoice-2\"}");

        assertThat(answer.path("replayed").toString()).isEqualTo("[\"invoice-2\"]");
        assertThat(answer.path("left").size()).as("not selected is not an error").isZero();
        assertThat(sqs.deleted).containsExactly("m1");
        assertThat(sqs.released).contains("m0", "m2");
        assertThat(sqs.hidden).as("every message not replayed is visible again").isEmpty();
        assertThat(table.written).containsOnlyKeys("invoice-2");
    }

    @Test
    void atMostMaxJobsComeBackAndTheRestStayInTheQueue() {
        for (int i = 1; i <= 3; i++) {
            deadLetter("invoice-" + i);
        }
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"dead-letters\", \"max\": 2}");

        assertThat(answer.path("replayed").size()).isEqualTo(2);
        assertThat(table.written).hasSize(2);
        assertThat(sqs.deleted).hasSize(2);
        assertThat(sqs.in(DLQ)).hasSize(1);
        assertThat(sqs.hidden).isEmpty();
    }

    @Test
    void aMessageSentAfterTheReplayStartedIsNotReplayedSoAJobFailingAgainIsNotLooped() {
        deadLetter("invoice-1"); // sent at NOW, the same millisecond the replay starts: not before it

        JsonNode answer = replay("{\"source\": \"dead-letters\"}");

        assertThat(answer.path("replayed").size()).isZero();
        assertThat(table.written).isEmpty();
        assertThat(sqs.deleted).isEmpty();
        assertThat(sqs.released).as("released once, at once").containsExactly("m0");
        assertThat(sqs.hidden).isEmpty();
    }

    @Test
    void ofOneReceiveTheMessagesFromBeforeTheReplayAreReplayedAndALaterOneIsReleasedOnce() {
        deadLetter("invoice-1");
        clock.tick(Duration.ofSeconds(1));
        deadLetter("invoice-2"); // sent at the instant the replay starts: it failed again meanwhile

        JsonNode answer = replay("{\"source\": \"dead-letters\"}");

        assertThat(answer.path("replayed").toString()).isEqualTo("[\"invoice-1\"]");
        assertThat(sqs.deleted).containsExactly("m0");
        assertThat(sqs.released).as("released as soon as received, each time").containsOnly("m1");
        assertThat(sqs.hidden).isEmpty();
    }

    static final String REDRIVE = "due-jobs-redrive";

    /** A replayer of due-jobs messages SQS gave up on, with the ledger their claims are in. */
    Replayer redriving(InMemory.Ledger ledger) {
        return new Replayer(sqs, Optional.empty(), new JobStore(table, "jobs"), Optional.of(ledger),
                Optional.of(new SqsDueJobsQueue(sqs, DUE_JOBS, Duration.ofSeconds(900), clock)), clock, DLQ, Optional.empty(),
                Optional.of(REDRIVE), true);
    }

    void gaveUpOn(Job job) {
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(REDRIVE).messageBody(DueJobsQueue.Message.of(job).body()).build());
    }

    @Test
    void aDueJobsMessageSqsGaveUpOnBringsBackTheJobItsReleasedClaimHoldsAndOnlyThat() {
        InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
        Job released = failed("released");
        ledger.claim(released);
        ledger.release(released.occurrenceId(), released.attempt()); // put back failed: the claim's copy is all there is
        Job done = failed("done");
        ledger.claim(done);
        ledger.finishPatiently(done.occurrenceId(), done.attempt(), ExecutionLedger.State.DONE, "ran");
        Job running = failed("running");
        ledger.claim(running); // in flight elsewhere, its lease not over
        gaveUpOn(released);
        gaveUpOn(done);
        gaveUpOn(running);
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = redriving(ledger).replay(Json.read("{\"source\": \"due-jobs-redrive\"}"));

        assertThat(answer.path("replayed").toString()).isEqualTo("[\"released\"]");
        assertThat(table.job("released").payload()).isEqualTo(released.payload());
        assertThat(table.written).as("the finished one is not run again").doesNotContainKey("done");
        assertThat(sqs.deleted).as("the released one is back, the finished one has nothing left").containsExactlyInAnyOrder("m0", "m1");
        assertThat(answer.path("left")).singleElement().satisfies(left -> {
            assertThat(left.path("messageId").asText()).isEqualTo("m2");
            assertThat(left.path("reason").asText()).isEqualTo("job running is in flight; try again later");
        });
    }

    @Test
    void aDeadLetterWithoutAReadableJobStaysInTheQueueWithItsReason() {
        new DeadLetters(sqs, DLQ).sendUnreadable("stream", Json.object().put("x", 1), "record holds no job", NOW);
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(DLQ).messageBody("not json").build());
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"dead-letters\"}");

        assertThat(answer.path("left").get(0).path("reason").asText()).isEqualTo("message holds no readable job (record holds no job)");
        assertThat(answer.path("left").get(1).path("messageId").asText()).isEqualTo("m1");
        assertThat(answer.path("left").get(1).path("reason").asText()).isNotBlank();
        assertThat(sqs.deleted).isEmpty();
        assertThat(sqs.hidden).isEmpty();
    }

    static Record removed(long sequence, Job job, boolean byTtl) {
        StreamRecord.Builder dynamodb = StreamRecord.builder().sequenceNumber(Long.toString(sequence))
                .oldImage(new HashMap<>(JobItems.toItem(job))).approximateCreationDateTime(job.dueAt().plusSeconds(30));
        Record.Builder record = Record.builder().eventName(OperationType.REMOVE).dynamodb(dynamodb.build());
        if (byTtl) {
            record.userIdentity(Identity.builder().type("Service").principalId(TtlDeletion.PRINCIPAL).build());
        }
        return record.build();
    }

    void streamFailure(long start, long end) {
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(STREAM_FAILURES_QUEUE).messageBody("{\"requestContext\": {}, "
                + "\"DDBStreamBatchInfo\": {\"streamArn\": \"arn:stream\", \"shardId\": \"shard-1\", \"startSequenceNumber\": \""
                + start + "\", \"endSequenceNumber\": \"" + end + "\"}}").build());
    }

    @Test
    void fromAStreamFailureAJobThatRanOrWasDeadLetteredMeanwhileStaysOutAndAReleasedOrUnclaimedOneComesBack() {
        InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
        Job ran = failed("ran");
        ledger.claim(ran);
        ledger.finishPatiently(ran.occurrenceId(), ran.attempt(), ExecutionLedger.State.DONE, "ran");
        Job gaveUp = failed("gave-up");
        ledger.claim(gaveUp);
        ledger.finishPatiently(gaveUp.occurrenceId(), gaveUp.attempt(), ExecutionLedger.State.DEAD_LETTERED, "failed");
        Job released = failed("released");
        ledger.claim(released);
        ledger.release(released.occurrenceId(), released.attempt());
        stream.pages.add(List.of(removed(100, ran, true), removed(101, gaveUp, true), removed(102, released, true),
                removed(103, failed("never-claimed"), true)));
        streamFailure(100, 103);
        clock.tick(Duration.ofSeconds(1));
        Replayer withLedger = new Replayer(sqs, Optional.of(stream), new JobStore(table, "jobs"), Optional.of(ledger),
                Optional.empty(), clock, DLQ, Optional.of(STREAM_FAILURES_QUEUE), Optional.empty(), true);

        JsonNode answer = withLedger.replay(Json.read("{\"source\": \"stream-failures\"}"));

        assertThat(answer.path("replayed")).extracting(JsonNode::asText).containsExactly("released", "never-claimed");
        assertThat(table.written).containsOnlyKeys("released", "never-claimed");
        assertThat(sqs.deleted).containsExactly("m0");
    }

    @Test
    void fromAStreamFailureOnlyTheTtlDeletionsInItsRangeComeBack() {
        Map<String, AttributeValue> corrupt = new HashMap<>(JobItems.toItem(failed("broken")));
        corrupt.remove("payload");
        stream.pages.add(List.of(
                removed(100, failed("ttl-1"), true),
                removed(101, failed("cancelled"), false), // a cancel: no TTL identity
                Record.builder().eventName(OperationType.INSERT).dynamodb(StreamRecord.builder().sequenceNumber("102")
                        .newImage(JobItems.toItem(failed("inserted"))).build()).build(),
                Record.builder().eventName(OperationType.REMOVE).userIdentity(Identity.builder().type("Service")
                        .principalId(TtlDeletion.PRINCIPAL).build()).dynamodb(StreamRecord.builder().sequenceNumber("103")
                        .oldImage(corrupt).build()).build()));
        stream.pages.add(List.of());
        stream.pages.add(List.of(removed(104, failed("ttl-2"), true), removed(105, failed("after-the-range"), true)));
        streamFailure(100, 104);
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"stream-failures\"}");

        assertThat(answer.path("source").asText()).isEqualTo("stream-failures");
        assertThat(answer.path("replayed").toString()).isEqualTo("[\"ttl-1\",\"ttl-2\"]");
        assertThat(table.written).containsOnlyKeys("ttl-1", "ttl-2");
        assertThat(sqs.deleted).containsExactly("m0");
        assertThat(stream.asked.get(0)).isEqualTo("arn:stream shard-1 AT_SEQUENCE_NUMBER 100");
        assertThat(stream.asked).as("read up to the page past the range's end, no further").containsExactly(stream.asked.get(0), "it-0", "it-1", "it-2");
    }

    @Test
    void aStreamRangeWithNoTtlDeletionLeftStaysInTheQueueNamingTheRange() {
        stream.pages.add(List.of(removed(7, failed("cancelled"), false)));
        streamFailure(7, 9);
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"stream-failures\"}");

        assertThat(answer.path("replayed").size()).isZero();
        assertThat(answer.path("left").get(0).path("reason").asText())
                .isEqualTo("no unfinished job found in arn:stream shard-1 7..9 (stream records are kept 24 hours)");
        assertThat(stream.asked).as("three empty pages end the read").hasSize(1 + 4);
        assertThat(sqs.deleted).isEmpty();
        assertThat(sqs.released).contains("m0");
    }

    @Test
    void aMessageOnTheStreamFailureQueueThatIsNotAnOnFailureRecordStays() {
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(STREAM_FAILURES_QUEUE).messageBody("{\"hello\": 1}").build());
        clock.tick(Duration.ofSeconds(1));

        JsonNode answer = replay("{\"source\": \"stream-failures\"}");

        assertThat(answer.path("left").get(0).path("reason").asText())
                .isEqualTo("not a Lambda on-failure record of a DynamoDB stream (no DDBStreamBatchInfo)");
        assertThat(stream.asked).isEmpty();
    }

    @Test
    void aSourceThisDeploymentHasNotOrABadDueTimeIsRefusedNamingTheFieldAndNothingIsRead() {
        Replayer without = new Replayer(sqs, Optional.empty(), new JobStore(table, "jobs"), Optional.empty(), Optional.empty(), clock, DLQ,
                Optional.empty(), Optional.empty(), true);
        deadLetter("invoice-1");
        clock.tick(Duration.ofSeconds(1));

        assertThat(without.answer("{\"source\": \"stream-failures\"}".getBytes()).path("error").path("problem").asText())
                .isEqualTo("is stream-failures but STREAM_FAILURE_QUEUE_URL is not set");
        assertThat(without.answer("{\"source\": \"due-jobs-redrive\"}".getBytes()).path("error").path("problem").asText())
                .isEqualTo("is due-jobs-redrive but DUE_JOBS_REDRIVE_QUEUE_URL is not set");
        JsonNode badDue = without.answer("{\"source\": \"dead-letters\", \"dueAt\": \"tomorrow\"}".getBytes());
        assertThat(badDue.path("error").path("field").asText()).isEqualTo("dueAt");
        assertThat(badDue.path("error").path("problem").asText()).isEqualTo("is not an ISO-8601 instant");
        assertThat(badDue.path("error").path("accepted").asText()).isEqualTo("e.g. 2026-12-01T09:00:00Z, or omit it for now");
        assertThat(without.answer("{\"source\": \"dead-letters\", \"max\": -1}".getBytes()).path("error").path("problem").asText())
                .isEqualTo("is -1");
        // a max that is not a whole number was read as the default (or cut to an int) before: now refused, naming it
        for (String max : new String[] {"\"abc\"", "\"5\"", "2.5", "true", "99999999999"}) {
            JsonNode refused = without.answer(("{\"source\": \"dead-letters\", \"max\": " + max + "}").getBytes());
            assertThat(refused.path("error").path("field").asText()).as(max).isEqualTo("max");
            assertThat(refused.path("error").path("problem").asText()).as(max).isEqualTo("is " + max + ", not a whole number");
            assertThat(refused.path("error").path("accepted").asText()).as(max).isEqualTo("1 to 10000");
        }
        assertThat(sqs.hidden).isEmpty();
        assertThat(sqs.deleted).isEmpty();
        assertThat(table.written).isEmpty();

        assertThat(without.answer("{\"source\": \"dead-letters\", \"max\": null}".getBytes()).path("error").isMissingNode())
                .as("a null max is the default").isTrue();
    }

    @Test
    void aFieldAReplayDoesNotKnowOrAJobIdThatIsNoIdIsRefusedAndNothingIsReplayed() {
        deadLetter("invoice-1");
        deadLetter("invoice-2");
        clock.tick(Duration.ofSeconds(1));

        JsonNode misspelt = replayer.answer("{\"source\": \"dead-letters\", \"jobID\": \"invoice-1\"}".getBytes());
        JsonNode notAnId = replayer.answer("{\"jobId\": 7}".getBytes());
        JsonNode empty = replayer.answer("{\"jobId\": \"\"}".getBytes());
        assertThat(replayer.answer("{\"jobId\": null}".getBytes()).path("error").path("problem").asText()).isEqualTo("is null");
        for (String due : new String[] {"2099-01-01T00:00:00Z", clock.instant().minus(Duration.ofHours(25)).toString()}) {
            JsonNode outOfRange = replayer.answer(("{\"dueAt\": \"" + due + "\"}").getBytes());
            assertThat(outOfRange.path("error").path("field").asText()).as(due).isEqualTo("dueAt");
            assertThat(outOfRange.path("error").path("problem").asText()).as(due).endsWith("out of range");
        }

        assertThat(misspelt.path("ok").asBoolean()).isFalse();
        assertThat(misspelt.path("error").path("field").asText()).isEqualTo("jobID");
        assertThat(misspelt.path("error").path("problem").asText()).isEqualTo("is not a field of a replay request");
        assertThat(misspelt.path("error").path("accepted").asText()).isEqualTo("only [dueAt, jobId, max, source]");
        assertThat(notAnId.path("error").path("field").asText()).isEqualTo("jobId");
        assertThat(notAnId.path("error").path("problem").asText()).isEqualTo("is 7");
        assertThat(empty.path("error").path("problem").asText()).isEqualTo("is \"\"");
        assertThat(replayer.answer("{\"max\": 1e9999999999}".getBytes()).path("error").path("problem").asText())
                .as("a number no exact decimal holds is refused, not thrown").contains("exponent is out of range");
        assertThat(sqs.hidden).as("nothing received").isEmpty();
        assertThat(sqs.deleted).isEmpty();
        assertThat(table.written).isEmpty();
        assertThat(replayer.answer("{\"jobId\": \"invoice-2\"}".getBytes()).path("replayed")).extracting(JsonNode::asText)
                .containsExactly("invoice-2");
    }
}
