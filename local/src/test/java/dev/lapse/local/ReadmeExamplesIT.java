package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.readme.ReadmeCommands;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs the local examples of README.md (the quick start, and subscribing to Lapse's events) as
 * written: each {@code aws} command is read from the README and made with the AWS SDK v2 call
 * the CLI makes, with the same arguments and files, against a local runtime (its endpoints put
 * where the README's default ports are). A command this test cannot translate fails it, so the
 * README cannot show a command nobody ran.
 */
class ReadmeExamplesIT {
    private static final List<String> SECTIONS = List.of("## Quick start", "### Subscribe to Lapse's events locally");
    private static Path root;
    private static LocalRuntime runtime;
    private static Map<String, String> endpoints;
    private final List<JsonNode> received = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();

    @TempDir
    Path workDir;

    @BeforeAll
    static void start() {
        root = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
        runtime = LocalRuntime.start(RuntimeOptions.defaults(root).withFastTtl(true).withSchedules(false));
        endpoints = Map.of("http://127.0.0.1:3001", runtime.apiEndpoint().toString(),
                "http://127.0.0.1:9324", runtime.sqsEndpoint().toString(),
                "http://127.0.0.1:8000", runtime.dynamoEndpoint().toString());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void theReadmesLocalExamplesWorkAsWritten() throws Exception {
        List<List<String>> commands = commands(root.resolve("README.md"));
        assertThat(commands).as("aws commands in the README's local examples").hasSizeGreaterThanOrEqualTo(8);

        for (List<String> command : commands) {
            run(command);
        }

        assertThat(ran).contains("events put-events", "lambda invoke", "dynamodb scan", "sqs create-queue", "events put-rule",
                "events put-targets", "sqs receive-message");
        assertThat(received).as("what receive-message returned").isNotEmpty()
                .allSatisfy(m -> assertThat(m.path("source").asText()).isEqualTo("lapse"))
                .anySatisfy(m -> assertThat(m.path("detail-type").asText()).isEqualTo("Job Due"));
    }


    /** The {@code aws} and {@code cat} commands of the bash blocks of {@link #SECTIONS}, each a list of shell words. */
    static List<List<String>> commands(Path readme) {
        List<List<String>> commands = new ArrayList<>();
        for (String section : SECTIONS) {
            ReadmeCommands.inSection(readme, section).shellCommands().stream()
                    .filter(c -> c.get(0).equals("aws") || c.get(0).equals("cat"))
                    .forEach(commands::add);
        }
        return commands;
    }


    private void run(List<String> command) throws Exception {
        if (command.get(0).equals("cat")) {
            String answer = Files.readString(workDir.resolve(command.get(1)));
            assertThat(answer).as("cat " + command.get(1)).contains("\"ok\":true");
            return;
        }
        String operation = command.get(1) + " " + command.get(2);
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 3; i < command.size(); i++) {
            String word = command.get(i);
            if (word.startsWith("--")) {
                options.put(word.substring(2), local(command.get(++i)));
            } else {
                positional.add(word);
            }
        }
        URI endpoint = URI.create(options.remove("endpoint-url"));
        Region region = Region.of(options.remove("region"));
        assertThat(region).isEqualTo(Region.US_EAST_1);
        var http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(40)).build();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        String description = "aws " + String.join(" ", command);
        switch (operation) {
            case "events put-events" -> {
                try (var events = EventBridgeClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    List<PutEventsRequestEntry> entries = new ArrayList<>();
                    for (JsonNode e : Json.read(file(options.remove("entries"), "file://"))) {
                        // as the SDKs set it (the CLI sends it when the entry has it): epoch seconds on the wire
                        entries.add(PutEventsRequestEntry.builder().source(e.path("Source").asText()).detailType(e.path("DetailType").asText())
                                .detail(e.path("Detail").asText()).eventBusName(e.path("EventBusName").asText(null))
                                .time(e.hasNonNull("Time") ? Instant.parse(e.get("Time").asText()) : Instant.now()).build());
                    }
                    assertThat(events.putEvents(r -> r.entries(entries)).failedEntryCount()).as(description).isZero();
                }
            }
            case "lambda invoke" -> {
                try (var lambda = LambdaClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String payload = options.remove("payload");
                    boolean raw = "raw-in-base64-out".equals(options.remove("cli-binary-format"));
                    assertThat(payload.startsWith("fileb://") || raw).as(description + ": AWS CLI v2 reads a --payload string as base64"
                            + " without --cli-binary-format raw-in-base64-out").isTrue();
                    byte[] bytes = payload.startsWith("fileb://") ? Files.readAllBytes(root.resolve(payload.substring(8)))
                            : payload.getBytes(StandardCharsets.UTF_8);
                    String name = options.remove("function-name");
                    String qualifier = options.remove("qualifier");
                    String type = options.remove("invocation-type");
                    InvokeResponse answer = lambda.invoke(r -> r.functionName(name).qualifier(qualifier).invocationType(type)
                            .payload(SdkBytes.fromByteArray(bytes)));
                    assertThat(answer.functionError()).as(description).isNull();
                    assertThat(positional).as(description + ": the answer file").hasSize(1);
                    Files.write(workDir.resolve(positional.remove(0)), answer.payload().asByteArray());
                }
            }
            case "dynamodb scan" -> {
                try (var dynamo = DynamoDbClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String table = options.remove("table-name");
                    assertThat(dynamo.scan(r -> r.tableName(table)).count()).as(description).isPositive();
                }
            }
            case "sqs create-queue" -> {
                try (var sqs = SqsClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String name = options.remove("queue-name");
                    assertThat(sqs.createQueue(r -> r.queueName(name)).queueUrl()).as(description).endsWith("/" + name);
                }
            }
            case "events put-rule" -> {
                try (var events = EventBridgeClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String name = options.remove("name");
                    String pattern = options.remove("event-pattern");
                    String bus = options.remove("event-bus-name");
                    assertThat(events.putRule(r -> r.name(name).eventPattern(pattern).eventBusName(bus)).ruleArn()).as(description).endsWith(name);
                }
            }
            case "events put-targets" -> {
                try (var events = EventBridgeClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String rule = options.remove("rule");
                    List<Target> targets = targets(options.remove("targets"));
                    assertThat(events.putTargets(r -> r.rule(rule).targets(targets)).failedEntryCount()).as(description).isZero();
                }
            }
            case "sqs receive-message" -> {
                try (var sqs = SqsClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
                    String url = options.remove("queue-url");
                    int wait = Integer.parseInt(options.remove("wait-time-seconds"));
                    List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(wait)).messages();
                    assertThat(messages).as(description).isNotEmpty();
                    messages.forEach(m -> received.add(Json.read(m.body())));
                }
            }
            default -> throw new AssertionError("ReadmeExamplesIT does not know how to run: " + description);
        }
        assertThat(options).as(description + ": options this test did not pass on").isEmpty();
        assertThat(positional).as(description + ": arguments this test did not use").isEmpty();
        ran.add(operation);
    }

    /** The CLI's shorthand ({@code Id=a,Arn=b}) or JSON for --targets. */
    private static List<Target> targets(String value) {
        List<Target> targets = new ArrayList<>();
        if (value.startsWith("[")) {
            for (JsonNode t : Json.read(value)) {
                targets.add(Target.builder().id(t.path("Id").asText()).arn(t.path("Arn").asText())
                        .inputPath(t.path("InputPath").asText(null)).input(t.path("Input").asText(null)).build());
            }
            return targets;
        }
        for (String one : value.split(" ")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String kv : one.split(",")) {
                fields.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            targets.add(Target.builder().id(fields.remove("Id")).arn(fields.remove("Arn")).inputPath(fields.remove("InputPath")).build());
            assertThat(fields).as("target fields this test cannot pass on").isEmpty();
        }
        return targets;
    }

    private static String file(String reference, String scheme) throws Exception {
        assertThat(reference).startsWith(scheme);
        return Files.readString(root.resolve(reference.substring(scheme.length())));
    }

    /** The README's default endpoints, moved to where this test's runtime listens. */
    private static String local(String value) {
        String result = value;
        for (var e : endpoints.entrySet()) {
            result = result.replace(e.getKey(), e.getValue());
        }
        return result;
    }
}
