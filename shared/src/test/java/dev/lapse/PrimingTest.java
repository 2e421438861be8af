package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.lapse.testing.RecordingHttp;
import org.junit.jupiter.api.Test;

class PrimingTest {
    static final Map<String, String> ENV = Map.of("JOBS_TABLE", "jobs", "EXECUTIONS_TABLE", "executions", "LICENCES_TABLE", "licences",
            "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:1/000000000000/dlq", "DUE_JOBS_QUEUE_URL", "http://127.0.0.1:1/000000000000/due",
            "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

    static {
        // the SDK's default credentials chain reads these; priming signs requests like a real call
        System.setProperty("aws.accessKeyId", "priming");
        System.setProperty("aws.secretAccessKey", "priming");
    }

    @Test
    void whilePrimingEveryCallIsAnsweredInProcessAndAfterwardsCallsAreReal() {
        RecordingHttp real = new RecordingHttp();
        Lapse lapse = Lapse.fromEnvironment(ENV, real);

        lapse.primeOnInit(() -> {
            assertThat(lapse.store().get("some-job")).isEmpty();
            lapse.runner().run(Priming.sampleJob(Clock.systemUTC().instant()), "test");
        });

        assertThat(real.requests).as("nothing sent").isEmpty();
        assertThat(lapse.priming().orElseThrow().answered())
                .contains("DynamoDB_20120810.GetItem", "DynamoDB_20120810.PutItem", "AWSEvents.PutEvents", "DynamoDB_20120810.UpdateItem");
        assertThat(real.prepared).as("each call prepared on the real client (its classes loaded), then aborted unsent")
                .isEqualTo(lapse.priming().orElseThrow().answered()).isEqualTo(real.aborted);

        Throwable after = org.assertj.core.api.Assertions.catchThrowable(() -> lapse.store().get("some-job"));
        assertThat(after).isNotNull();
        assertThat(real.requests).containsExactly("DynamoDB_20120810.GetItem");
    }

    @Test
    void aReplaysSampleGoesTheWholeWayAndARunsSamplePublishesAndFinishesWithNothingSent() {
        RecordingHttp real = new RecordingHttp();
        Lapse replay = Lapse.fromEnvironment(ENV, real);
        replay.primeOnInit(PrimingSample.REPLAY_DEAD_LETTERS);
        Lapse run = Lapse.fromEnvironment(ENV, real);
        run.primeOnInit(PrimingSample.RUN_EXPIRED_JOBS);

        assertThat(replay.priming().orElseThrow().answered()).as("the sample dead letter is read, put back, offered, deleted")
                .containsSubsequence("AmazonSQS.ReceiveMessage", "DynamoDB_20120810.PutItem", "AmazonSQS.SendMessage", "AmazonSQS.DeleteMessage");
        assertThat(run.priming().orElseThrow().answered()).as("the event is accepted, so the claim is finished and the attempt kept")
                .containsSubsequence("DynamoDB_20120810.PutItem", "AWSEvents.PutEvents", "DynamoDB_20120810.UpdateItem");
        assertThat(real.requests).as("nothing sent").isEmpty();
    }

    @Test
    void whilePrimingPutEventsIsAnsweredWithEveryEntryAcceptedAndReceiveWithTheSampleDeadLetter() {
        Priming priming = new Priming(null);
        RecordingHttp real = new RecordingHttp();
        var http = priming.transport(real);
        var endpoint = java.net.URI.create("http://127.0.0.1:1");
        var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder().httpClient(http).endpointOverride(endpoint)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).build();
        var sqs = software.amazon.awssdk.services.sqs.SqsClient.builder().httpClient(http).endpointOverride(endpoint)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).build();
        List<software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry> results = new ArrayList<>();
        List<software.amazon.awssdk.services.sqs.model.Message> received = new ArrayList<>();

        priming.run(() -> {
            results.addAll(events.putEvents(r -> r.entries(
                    e -> e.source("lapse").detailType("Job Due").detail("{}"), e -> e.source("lapse").detailType("Job Due").detail("{}"),
                    e -> e.source("lapse").detailType("Job Failed").detail("{}"))).entries());
            received.addAll(sqs.receiveMessage(r -> r.queueUrl("http://127.0.0.1:1/000000000000/dlq")).messages());
        });

        assertThat(results).hasSize(3).allSatisfy(entry -> {
            assertThat(entry.eventId()).isNotBlank();
            assertThat(entry.errorCode()).isNull();
        });
        assertThat(received).singleElement().satisfies(m -> {
            assertThat(dev.lapse.job.JobJson.fromDeadLetter(dev.lapse.json.Json.read(m.body()).path("job")).jobId())
                    .as("the sample job's dead letter").isEqualTo(Priming.SAMPLE_JOB_ID);
            assertThat(Long.parseLong(m.attributesAsStrings().get("SentTimestamp"))).isLessThan(System.currentTimeMillis());
        });
        assertThat(real.requests).as("nothing sent").isEmpty();
    }

    @Test
    void underSnapStartPrimingWaitsForTheCheckpoint() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        RecordingHttp real = new RecordingHttp();
        Lapse lapse = Lapse.fromEnvironment(env, real);
        List<String> ran = new ArrayList<>();

        lapse.primeOnInit(() -> ran.add("primed"));
        assertThat(ran).isEmpty();

        lapse.priming().orElseThrow().checkpointHook().orElseThrow().beforeCheckpoint(null);
        assertThat(ran).containsExactly("primed");
        assertThat(real.requests).isEmpty();
    }

    @Test
    void aLapseBuiltFromTheCallersClientsNeverPrimes() {
        var http = new RecordingHttp();
        var dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().httpClient(http).build();
        var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder().httpClient(http).build();
        var sqs = software.amazon.awssdk.services.sqs.SqsClient.builder().httpClient(http).build();
        Lapse lapse = new Lapse(Lapse.Settings.fromEnvironment(ENV), dynamo, events, sqs, Clock.systemUTC());
        List<String> ran = new ArrayList<>();

        lapse.primeOnInit(() -> ran.add("primed"));

        assertThat(ran).isEmpty();
        assertThat(lapse.priming()).isEmpty();
    }

    @Test
    void metricsGoToStandardOutputButNoneComeOfPriming() {
        // Given a function's Lapse, its metrics at their default sink (standard output, which Lambda sends to CloudWatch)
        Lapse lapse = Lapse.fromEnvironment(ENV, new RecordingHttp());
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            // When priming runs a sample job (its calls answered in-process), then a real request is counted
            lapse.primeOnInit(() -> lapse.runner().run(Priming.sampleJob(Clock.systemUTC().instant()), "ttl"));
            lapse.metrics().request(true);
        } finally {
            System.setOut(stdout);
        }
        // Then the only metric line on standard output is the real one
        List<String> metricLines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("\"_aws\"")).toList();
        assertThat(metricLines).singleElement().asString().contains("\"JobsScheduled\":1").doesNotContain("JobsRun");
    }
}
