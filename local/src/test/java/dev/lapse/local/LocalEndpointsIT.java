package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.ManagedRuleException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local EventBridge, Lambda, DynamoDB and SQS endpoints, driven by the AWS SDK v2 as a user's
 * code drives them (and by raw HTTP for what an SDK never sends): what AWS accepts works, what AWS
 * refuses is refused with AWS's error shape, a stalled client blocks nobody, and nothing listens
 * beyond the loopback interface.
 */
class LocalEndpointsIT {
    private static LocalRuntime runtime;
    private static EventBridgeClient events;
    private static LambdaClient lambda;
    private static SqsClient sqs;
    private static DynamoDbClient dynamo;
    private static final List<JsonNode> seen = new CopyOnWriteArrayList<>();
    private static final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        Path root = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
        runtime = LocalRuntime.start(RuntimeOptions.defaults(root).withFastTtl(true).withSchedules(false));
        runtime.bus().observe(seen::add);
        SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(20)).build();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        events = EventBridgeClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.apiEndpoint()).overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(20))).build();
        lambda = LambdaClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.apiEndpoint()).overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(20))).build();
        sqs = SqsClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.sqsEndpoint()).build();
        dynamo = DynamoDbClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.dynamoEndpoint()).build();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    // ---------------------------------------------------------------- item 6: Time

    @Test
    void anEntryWithTimeSetByTheSdkIsAcceptedAndItsJobScheduled() {
        String jobId = "time-sdk-" + UUID.randomUUID();
        Instant time = Instant.now().plusMillis(1);

        PutEventsResponse answer = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.orders")
                .detailType("Schedule Job").time(time).detail(scheduleJob(jobId, "PT1H")).build()));

        assertThat(answer.failedEntryCount()).isZero();
        JsonNode event = eventWith(jobId);
        assertThat(event.path("time").asText()).isEqualTo(time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        assertThat(awaitJob(jobId)).as("the job the event scheduled").isNotEmpty();
        assertThat(rejections(jobId)).isEmpty();
    }

    @Test
    void everyTimeShapeTheSdksAndCliSendIsAccepted() throws Exception {
        long now = Instant.now().getEpochSecond();
        for (String time : List.of(Long.toString(now), now + ".25", "\"" + Instant.ofEpochSecond(now) + "\"")) {
            String jobId = "time-wire-" + UUID.randomUUID();
            String entry = "{\"Source\":\"com.example.orders\",\"DetailType\":\"Schedule Job\",\"Time\":" + time
                    + ",\"Detail\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(scheduleJob(jobId, "PT1H"))) + "}";

            HttpResponse<String> answer = putEventsRaw("{\"Entries\":[" + entry + "]}");

            assertThat(answer.statusCode()).as(time).isEqualTo(200);
            assertThat(Json.read(answer.body()).path("FailedEntryCount").asInt()).as(answer.body()).isZero();
            assertThat(eventWith(jobId).path("time").asText()).isEqualTo(Instant.ofEpochSecond(now).toString());
            assertThat(awaitJob(jobId)).as("job scheduled by an entry with Time " + time).isNotEmpty();
        }
    }

    // ---------------------------------------------------------------- item 7: consumers subscribe locally

    @Test
    void aConsumerRuleWithAQueueTargetReceivesLapsesEvents() {
        String queueUrl = sqs.createQueue(r -> r.queueName("consumer-" + UUID.randomUUID())).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String detailQueueUrl = sqs.createQueue(r -> r.queueName("consumer-detail-" + UUID.randomUUID())).queueUrl();
        String rule = "lapse-events-" + UUID.randomUUID().toString().substring(0, 8);

        String ruleArn = events.putRule(r -> r.name(rule).eventPattern(
                "{\"source\": [\"lapse\"], \"detail-type\": [\"Job Due\", \"Job Failed\", \"Job Rejected\"]}")).ruleArn();
        var targets = events.putTargets(r -> r.rule(rule).targets(
                Target.builder().id("all").arn(queueArn).build(),
                Target.builder().id("detail").arn("arn:aws:sqs:us-east-1:123456789012:" + detailQueueUrl.substring(detailQueueUrl.lastIndexOf('/') + 1))
                        .inputPath("$.detail").build()));

        assertThat(ruleArn).isEqualTo("arn:aws:events:us-east-1:" + runtime.template().account() + ":rule/" + rule);
        assertThat(targets.failedEntryCount()).isZero();
        assertThat(events.listRules(r -> r.namePrefix("lapse-events-")).rules()).extracting(Rule::name).contains(rule);
        assertThat(events.listTargetsByRule(r -> r.rule(rule)).targets()).extracting(Target::id, Target::arn, Target::inputPath)
                .contains(org.assertj.core.groups.Tuple.tuple("all", queueArn, null));

        String due = "consumer-due-" + UUID.randomUUID();
        String rejected = "consumer-rejected-" + UUID.randomUUID();
        String failing = "consumer-failing-" + UUID.randomUUID();
        runtime.bus().failEntries(e -> e.path("detail-type").asText().equals("Job Due")
                && e.path("detail").path("jobId").asText().equals(failing), 1, "InvalidArgument");
        events.putEvents(r -> r.entries(
                PutEventsRequestEntry.builder().source("com.example.orders").detailType("Schedule Job").detail(scheduleJob(due, "PT0S")).build(),
                PutEventsRequestEntry.builder().source("com.example.orders").detailType("Schedule Job")
                        .detail("{\"jobId\": \"" + rejected + "\", \"jobType\": \"NOT A TYPE\", \"delay\": \"PT0S\"}").build(),
                PutEventsRequestEntry.builder().source("com.example.orders").detailType("Schedule Job")
                        .detail("{\"jobId\": \"" + failing + "\", \"jobType\": \"order.timeout\", \"delay\": \"PT0S\","
                                + " \"retry\": {\"maxAttempts\": 1, \"baseDelaySeconds\": 1, \"maxDelaySeconds\": 1}}").build()));

        List<JsonNode> received = receive(queueUrl, 3);
        assertThat(received).extracting(m -> m.path("detail-type").asText()).containsExactlyInAnyOrder("Job Due", "Job Rejected", "Job Failed");
        assertThat(received).filteredOn(m -> m.path("detail-type").asText().equals("Job Failed"))
                .singleElement().satisfies(m -> assertThat(Json.write(m)).contains(failing));
        JsonNode jobDue = received.stream().filter(m -> m.path("detail-type").asText().equals("Job Due")).findFirst().orElseThrow();
        assertThat(jobDue.path("source").asText()).isEqualTo("lapse");
        assertThat(jobDue.path("detail").path("jobId").asText()).isEqualTo(due);
        assertThat(Json.write(received)).contains(rejected);
        List<JsonNode> details = receive(detailQueueUrl, 3);
        assertThat(details).anySatisfy(d -> assertThat(d.path("jobId").asText()).isEqualTo(due));

        EventBridgeException notEmpty = catchThrowableOfType(() -> events.deleteRule(r -> r.name(rule)), EventBridgeException.class);
        assertThat(notEmpty.statusCode()).isEqualTo(400);
        assertThat(notEmpty.awsErrorDetails().errorCode()).isEqualTo("ValidationException");

        events.removeTargets(r -> r.rule(rule).ids("all", "detail"));
        events.deleteRule(r -> r.name(rule));
        assertThat(events.listRules(r -> r.namePrefix(rule)).rules()).isEmpty();
        assertThatThrownBy(() -> events.listTargetsByRule(r -> r.rule(rule)))
                .isInstanceOf(software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException.class)
                .hasMessageContaining("Rule " + rule + " does not exist");
    }

    @Test
    void ruleOperationsRefuseWhatEventBridgeRefuses() {
        assertThatThrownBy(() -> events.putRule(r -> r.name("bad-pattern").eventPattern("{\"source\": \"lapse\"}")))
                .isInstanceOf(InvalidEventPatternException.class).hasMessageContaining("Event pattern is not valid");
        assertThatThrownBy(() -> events.putRule(r -> r.name("on-nowhere").eventBusName("nowhere").eventPattern("{\"source\": [\"lapse\"]}")))
                .isInstanceOf(software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException.class)
                .hasMessageContaining("Event bus nowhere does not exist");
        assertThatThrownBy(() -> events.putTargets(r -> r.rule("no-such-rule").targets(Target.builder().id("q").arn("arn:aws:sqs:us-east-1:1:q").build())))
                .isInstanceOf(software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException.class);
        EventBridgeException noPattern = catchThrowableOfType(() -> events.putRule(r -> r.name("no-pattern")), EventBridgeException.class);
        assertThat(noPattern.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(noPattern.statusCode()).isEqualTo(400);

        events.putRule(r -> r.name("unsupported-target").eventPattern("{\"source\": [\"lapse\"]}"));
        EventBridgeException sns = catchThrowableOfType(() -> events.putTargets(r -> r.rule("unsupported-target")
                .targets(Target.builder().id("t").arn("arn:aws:sns:us-east-1:123456789012:topic").build())), EventBridgeException.class);
        assertThat(sns.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(sns.getMessage()).contains("arn:aws:sns:us-east-1:123456789012:topic", "SQS");

        String templateRule = events.listRules(r -> r.namePrefix("ScheduleJobFunction")).rules().get(0).name();
        assertThatThrownBy(() -> events.deleteRule(r -> r.name(templateRule))).isInstanceOf(ManagedRuleException.class);
        assertThat(events.listTargetsByRule(r -> r.rule(templateRule)).targets()).extracting(Target::arn)
                .containsExactly("arn:aws:lambda:us-east-1:" + runtime.template().account() + ":function:" + runtime.function("ScheduleJobFunction").name());
    }

    // ---------------------------------------------------------------- item 8: refuse what AWS refuses

    @Test
    void putEventsWithMoreThanTenEntriesIsAValidationError() {
        List<PutEventsRequestEntry> entries = Collections.nCopies(11,
                PutEventsRequestEntry.builder().source("com.example.orders").detailType("Cancel Job").detail("{\"jobId\": \"x\"}").build());

        EventBridgeException e = catchThrowableOfType(() -> events.putEvents(r -> r.entries(entries)), EventBridgeException.class);

        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(e.getMessage()).contains("less than or equal to 10");
    }

    @Test
    void anAwsSourceIsNotAuthorizedAndNothingIsDelivered() {
        String jobId = "aws-source-" + UUID.randomUUID();

        PutEventsResponse answer = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("aws.s3")
                .detailType("Schedule Job").detail(scheduleJob(jobId, "PT1H")).build()));

        assertThat(answer.failedEntryCount()).isEqualTo(1);
        assertThat(answer.entries().get(0).errorCode()).isEqualTo("NotAuthorizedForSourceException");
        assertThat(seen).noneMatch(e -> Json.write(e).contains(jobId));
    }

    @Test
    void aMalformedBodyIsASerializationErrorNotAClosedConnection() throws Exception {
        HttpResponse<String> answer = putEventsRaw("{\"Entries\": [");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.read(answer.body()).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(Json.read(answer.body()).path("message").asText()).isNotBlank();
    }

    @Test
    void aBodyThatIsNotUtf8IsASerializationErrorAndNothingIsScheduled() throws Exception {
        String jobId = "utf8-events-" + UUID.randomUUID();
        byte[] head = ("{\"Entries\": [{\"Source\": \"com.example.orders\", \"DetailType\": \"Schedule Job\", \"Detail\": \"{\\\"jobId\\\": \\\""
                + jobId + "\\\", \\\"jobType\\\": \\\"order.timeout\\\", \\\"delay\\\": \\\"PT1S\\\", \\\"payload\\\": {\\\"s\\\": \\\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\\\"}}\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] overlongSlash = {(byte) 0xc0, (byte) 0xaf};
        byte[] body = java.nio.ByteBuffer.allocate(head.length + 2 + tail.length).put(head).put(overlongSlash).put(tail).array();

        HttpResponse<String> answer = raw.send(HttpRequest.newBuilder(runtime.apiEndpoint()).header("X-Amz-Target", "AWSEvents.PutEvents")
                .header("Content-Type", "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.read(answer.body()).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(Json.read(answer.body()).path("message").asText()).contains("not valid UTF-8");
        Thread.sleep(2_000); // an accepted event would have reached ScheduleJobFunction by now
        assertThat(job(jobId)).as("nothing scheduled").isEmpty();
        assertThat(rejections(jobId)).isEmpty();
    }

    @Test
    void aDetailIsReadAsDeepAsPutEventsReadsOne() {
        java.util.function.IntFunction<String> nested = arrays -> "{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";
        var deep = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.depth").detailType("Depth Probe")
                .detail(nested.apply(900)).build()));
        var tooDeep = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.depth").detailType("Depth Probe")
                .detail(nested.apply(1100)).build()));

        assertThat(deep.failedEntryCount()).as("900 levels: PutEvents reads up to 1,000").isZero();
        assertThat(tooDeep.failedEntryCount()).isEqualTo(1);
        assertThat(tooDeep.entries().get(0).errorCode()).isEqualTo("MalformedDetail");
    }

    @Test
    void oversizedRequestsAreRefusedNamingTheLimit() throws Exception {
        String big = "{\"jobId\": \"big\", \"pad\": \"" + "x".repeat(300 * 1024) + "\"}";
        EventBridgeException events256 = catchThrowableOfType(() -> events.putEvents(r -> r.entries(
                PutEventsRequestEntry.builder().source("com.example.orders").detailType("Cancel Job").detail(big).build())),
                EventBridgeException.class);
        assertThat(events256.statusCode()).isEqualTo(400);
        assertThat(events256.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(events256.getMessage()).contains("262144");

        HttpResponse<String> huge = putEventsRaw("{\"Entries\": [{\"Detail\": \"" + "x".repeat(8 * 1024 * 1024) + "\"}]}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(Json.read(huge.body()).path("__type").asText()).isEqualTo("ValidationException");

        byte[] payload = ("{\"pad\": \"" + "x".repeat(6 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        RequestTooLargeException invoke = catchThrowableOfType(() -> lambda.invoke(r -> r.functionName("ScheduleJobFunction")
                .payload(SdkBytes.fromByteArray(payload))), RequestTooLargeException.class);
        assertThat(invoke.statusCode()).isEqualTo(413);
        assertThat(invoke.getMessage()).contains("6291456 bytes");
    }

    @Test
    void anUnknownInvocationTypeIsAValidationError() {
        LambdaException e = catchThrowableOfType(() -> lambda.invoke(r -> r.functionName("ScheduleJobFunction").invocationType("Later")
                .payload(SdkBytes.fromUtf8String(directSchedule("unknown-type-" + UUID.randomUUID(), "PT1H")))), LambdaException.class);

        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(e.getMessage()).contains("invocationType", "[Event, RequestResponse, DryRun]");
    }

    @Test
    void onlyPostInvokes() throws Exception {
        String jobId = "get-" + UUID.randomUUID();
        HttpResponse<String> answer = raw.send(HttpRequest.newBuilder(runtime.apiEndpoint().resolve(
                        "/2015-03-31/functions/ScheduleJobFunction/invocations"))
                .method("PUT", HttpRequest.BodyPublishers.ofString(directSchedule(jobId, "PT1H"))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.read(answer.body()).path("__type").asText()).isEqualTo("UnknownOperationException");
        assertThat(answer.headers().firstValue("x-amzn-ErrorType")).contains("UnknownOperationException");
        assertThat(job(jobId)).isEmpty();
    }

    @Test
    void aDryRunDoesNotRunTheFunction() {
        String jobId = "dry-run-" + UUID.randomUUID();

        InvokeResponse answer = lambda.invoke(r -> r.functionName("ScheduleJobFunction").invocationType(InvocationType.DRY_RUN)
                .payload(SdkBytes.fromUtf8String(directSchedule(jobId, "PT1H"))));

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(job(jobId)).isEmpty();
    }

    @Test
    void theLiveAliasAnswersByNameQualifierOrArn() {
        String name = runtime.function("ScheduleJobFunction").name();
        List<String> jobs = new ArrayList<>();
        for (var invoke : List.<java.util.function.Function<String, InvokeResponse>>of(
                id -> lambda.invoke(r -> r.functionName(name + ":live").payload(SdkBytes.fromUtf8String(directSchedule(id, "PT1H")))),
                id -> lambda.invoke(r -> r.functionName(name).qualifier("live").payload(SdkBytes.fromUtf8String(directSchedule(id, "PT1H")))),
                id -> lambda.invoke(r -> r.functionName("arn:aws:lambda:us-east-1:123456789012:function:" + name + ":live")
                        .payload(SdkBytes.fromUtf8String(directSchedule(id, "PT1H")))),
                // the version the answers name (ExecutedVersion 1), as a qualifier too
                id -> lambda.invoke(r -> r.functionName(name).qualifier("1").payload(SdkBytes.fromUtf8String(directSchedule(id, "PT1H")))))) {
            String jobId = "live-" + UUID.randomUUID();
            InvokeResponse answer = invoke.apply(jobId);
            assertThat(answer.executedVersion()).isEqualTo("1");
            assertThat(answer.functionError()).isNull();
            assertThat(answer.payload().asUtf8String()).contains("\"ok\":true");
            jobs.add(jobId);
        }
        jobs.forEach(id -> assertThat(job(id)).as(id).isNotEmpty());

        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(name + ":beta").payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Function not found");
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(name).qualifier("2").payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("its version 1");
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(name + ":live").qualifier("$LATEST").payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String("{not json"))))
                .isInstanceOf(InvalidRequestContentException.class);
    }

    @Test
    void anAsynchronousInvocationOfTheAliasThatKeepsFailingIsTriedThreeTimesThenRecordedOnItsOnFailureQueue() {
        String probe = UUID.randomUUID().toString();
        String latestProbe = UUID.randomUUID().toString();
        String queue = runtime.queueUrl("ScheduleRequestFailureQueue");
        long sent = System.nanoTime();

        // RunRecurringJobsFunction's EventInvokeConfig (2 retries, OnFailure ScheduleRequestFailureQueue) is on its alias, as
        // SAM sets it with AutoPublishAlias; the function throws for an input without jobType, as it should for a schedule's
        // input it cannot run. $LATEST has Lambda's defaults: 2 retries, no destination.
        var answer = lambda.invoke(r -> r.functionName("RunRecurringJobsFunction").qualifier("live").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"probe\": \"" + probe + "\"}")));
        lambda.invoke(r -> r.functionName("RunRecurringJobsFunction").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"probe\": \"" + latestProbe + "\"}")));

        assertThat(answer.statusCode()).isEqualTo(202);
        List<JsonNode> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.stream().noneMatch(b -> probe.equals(b.path("requestPayload").path("probe").asText())) && System.nanoTime() < deadline) {
            for (var m : sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                records.add(Json.read(m.body()));
            }
        }
        // the $LATEST invocation failed its three attempts at the same pace: give its record, if any, time to arrive
        records.addAll(sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)).messages().stream()
                .map(m -> Json.read(m.body())).toList());
        JsonNode record = records.stream().filter(b -> probe.equals(b.path("requestPayload").path("probe").asText())).findFirst().orElse(null);
        assertThat(record).as("the invocation record on the on-failure queue").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("after the waits before the two retries (1 s, then 2 s)")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(record.path("version").asText()).isEqualTo("1.0");
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestContext").path("functionArn").asText()).endsWith(":function:RunRecurringJobsFunction:live");
        assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("1");
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("responsePayload").path("errorType").asText()).endsWith("InvalidRequestException");
        assertThat(record.path("responsePayload").path("errorMessage").asText()).contains("jobType");
        assertThat(records).as("$LATEST has no destination").noneMatch(b -> latestProbe.equals(b.path("requestPayload").path("probe").asText()));
    }

    @Test
    void aPayloadThatIsNotUtf8IsRefusedAsLambdaRefusesItAndNothingIsScheduled() {
        String name = "ScheduleJobFunction";
        for (byte[] bad : List.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xc0, (byte) 0xaf})) {
            String jobId = "utf8-" + UUID.randomUUID();
            byte[] head = ("{\"detail-type\": \"Schedule Job\", \"detail\": {\"jobId\": \"" + jobId
                    + "\", \"jobType\": \"order.timeout\", \"delay\": \"PT1H\", \"payload\": {\"s\": \"").getBytes(StandardCharsets.UTF_8);
            byte[] payload = java.nio.ByteBuffer.allocate(head.length + bad.length + 4).put(head).put(bad).put("\"}}}".getBytes(StandardCharsets.UTF_8)).array();
            String shown = HexFormat.of().formatHex(bad);

            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromByteArray(payload))))
                    .as(shown).isInstanceOf(InvalidRequestContentException.class).hasMessageContaining("not valid UTF-8");
            assertThat(job(jobId)).as(shown + ": nothing scheduled").isEmpty();
        }
    }

    // ---------------------------------------------------------------- item 9: stalled clients

    @Test
    void stalledClientsDoNotBlockOthers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", runtime.apiEndpoint().getPort()), 5000);
                OutputStream out = s.getOutputStream();
                String head = i % 2 == 0
                        ? "POST /2015-03-31/functions/ScheduleJobFunction/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"
                        : "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSEvents.PutEvents\r\nContent-Length: 500\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            Thread.sleep(500);
            String jobId = "past-stalled-" + UUID.randomUUID();
            long t0 = System.nanoTime();

            PutEventsResponse put = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.orders")
                    .detailType("Schedule Job").detail(scheduleJob(jobId, "PT1H")).build()));
            InvokeResponse invoke = lambda.invoke(r -> r.functionName("ScheduleJobFunction")
                    .payload(SdkBytes.fromUtf8String(directSchedule(jobId + "-direct", "PT1H"))));

            assertThat(put.failedEntryCount()).isZero();
            assertThat(invoke.payload().asUtf8String()).contains("\"ok\":true");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("both calls, past 16 stalled connections").isLessThan(Duration.ofSeconds(15));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    // ---------------------------------------------------------------- item 10: loopback only

    @Test
    void everyEndpointListensOnLoopbackOnly() throws Exception {
        List<InetAddress> external = externalAddresses();
        Assumptions.assumeFalse(external.isEmpty(), "this machine has no non-loopback IPv4 address to try");
        Map<String, URI> endpoints = Map.of("DynamoDB", runtime.dynamoEndpoint(), "SQS", runtime.sqsEndpoint(), "API", runtime.apiEndpoint());

        endpoints.forEach((name, endpoint) -> {
            assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
            assertThat(connects(new InetSocketAddress("127.0.0.1", endpoint.getPort()))).as(name + " on 127.0.0.1").isTrue();
            for (InetAddress address : external) {
                assertThat(connects(new InetSocketAddress(address, endpoint.getPort()))).as(name + " on " + address).isFalse();
            }
        });
    }

    @Test
    void theHostOptionWidensEveryListener() throws Exception {
        List<InetAddress> external = externalAddresses();
        Assumptions.assumeFalse(external.isEmpty(), "this machine has no non-loopback IPv4 address to try");
        Path root = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
        try (LocalRuntime wide = LocalRuntime.start(RuntimeOptions.defaults(root).withSchedules(false).withHost("0.0.0.0"))) {
            for (URI endpoint : List.of(wide.dynamoEndpoint(), wide.sqsEndpoint(), wide.apiEndpoint())) {
                assertThat(endpoint.getHost()).as("where clients on this machine reach it").isEqualTo("127.0.0.1");
                assertThat(connects(new InetSocketAddress(external.get(0), endpoint.getPort()))).as(endpoint + " on " + external.get(0)).isTrue();
            }
        }
    }

    private static List<InetAddress> externalAddresses() throws java.net.SocketException {
        List<InetAddress> external = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address).forEach(external::add);
            }
        }
        return external;
    }

    private static boolean connects(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    static String scheduleJob(String jobId, String delay) {
        return "{\"jobId\": \"" + jobId + "\", \"jobType\": \"order.timeout\", \"delay\": \"" + delay + "\", \"payload\": {\"orderId\": \"7\"}}";
    }

    static String directSchedule(String jobId, String delay) {
        return "{\"detail-type\": \"Schedule Job\", \"detail\": " + scheduleJob(jobId, delay) + "}";
    }

    private static HttpResponse<String> putEventsRaw(String body) throws Exception {
        return raw.send(HttpRequest.newBuilder(runtime.apiEndpoint()).header("X-Amz-Target", "AWSEvents.PutEvents")
                .header("Content-Type", "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode eventWith(String jobId) {
        return seen.stream().filter(e -> e.path("detail").path("jobId").asText().equals(jobId)
                && !"lapse".equals(e.path("source").asText())).findFirst().orElseThrow(() -> new AssertionError("no event for " + jobId));
    }

    private static List<JsonNode> rejections(String jobId) {
        return seen.stream().filter(e -> e.path("detail-type").asText().equals("Job Rejected") && Json.write(e).contains(jobId)).toList();
    }

    private static Map<String, AttributeValue> job(String jobId) {
        return dynamo.getItem(r -> r.tableName(runtime.tableName("JobsTable")).consistentRead(true)
                .key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
    }

    /** The rule delivers the event to ScheduleJobFunction asynchronously: wait for the job (or a rejection). */
    private static Map<String, AttributeValue> awaitJob(String jobId) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            Map<String, AttributeValue> item = job(jobId);
            if (!item.isEmpty() || !rejections(jobId).isEmpty()) {
                return item;
            }
            sleep(100);
        }
        return Map.of();
    }

    private static List<JsonNode> receive(String queueUrl, int count) {
        List<JsonNode> bodies = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (bodies.size() < count && System.nanoTime() < end) {
            for (Message m : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5)).messages()) {
                bodies.add(Json.read(m.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return bodies;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
