package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.readme.ReadmeCommands;
import dev.lapse.readme.ReadmeCommands.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code sam deploy} creates from template.yaml, read from the SAM translator's own transform
 * (see {@link SamTransform}): the versions the live alias points at, the outputs, the schedules'
 * dead-letter queue, and what survives a stack deletion.
 */
class DeployedTemplateTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    private static final Path TEMPLATE = ROOT.resolve("template.yaml");

    /** A value other than the default for every parameter of the template. */
    private static final Map<String, String> OTHER_VALUES = Map.ofEntries(
            Map.entry("EventBusName", "lapse-other"),
            Map.entry("PaidLicensesTableName", "ExistingPaidLicenses"),
            Map.entry("TtlDeletionFilter", "any-remove"),
            Map.entry("RetryPolicies", "{\"invoice.remind\": {\"maxAttempts\": 3}}"),
            Map.entry("ReconcileGraceMinutes", "30"),
            Map.entry("PreciseDelivery", "disabled"),
            Map.entry("PreciseHorizonSeconds", "120"),
            Map.entry("ScheduleTimezone", "Europe/Paris"),
            Map.entry("LogLevel", "DEBUG"),
            Map.entry("LatenessAlarmMs", "2500"),
            Map.entry("AlarmTopicArn", "arn:aws:sns:us-east-1:123456789012:lapse-ops"));
    /** Parameters that change no function's configuration (only the schedules', or the alarms'), so need no new version. */
    private static final Set<String> READ_BY_NO_FUNCTION = Set.of("ScheduleTimezone", "LatenessAlarmMs", "AlarmTopicArn");

    private static JsonNode defaults;
    private static JsonNode defaultsAgain;
    private static JsonNode defaultsSpelledOut;
    private static final Map<String, JsonNode> CHANGED = new TreeMap<>();

    @BeforeAll
    static void transform() {
        Template template = Template.load(TEMPLATE, Map.of());
        List<Map<String, String>> sets = new ArrayList<>();
        sets.add(Map.of());
        sets.add(Map.of());
        sets.add(template.parameters());
        List<String> names = new ArrayList<>(new TreeSet<>(OTHER_VALUES.keySet()));
        names.forEach(name -> sets.add(Map.of(name, OTHER_VALUES.get(name))));
        List<JsonNode> results = SamTransform.of(TEMPLATE, sets);
        defaults = results.get(0);
        defaultsAgain = results.get(1);
        defaultsSpelledOut = results.get(2);
        for (int i = 0; i < names.size(); i++) {
            CHANGED.put(names.get(i), results.get(3 + i));
        }
    }

    // ---- issue 8, item 13: a parameter or setting change reaches the live alias ----

    @Test
    void everyParameterHasAnotherValueInThisTest() {
        Template template = Template.load(TEMPLATE, Map.of());
        assertThat(OTHER_VALUES.keySet()).as("parameters of template.yaml").containsExactlyInAnyOrderElementsOf(template.parameters().keySet());
        OTHER_VALUES.forEach((name, value) -> assertThat(value).as(name).isNotEqualTo(template.parameters().get(name)));
    }

    @Test
    void aChangedParameterPublishesANewVersionOfEveryFunctionAndMovesTheAliasToIt() {
        Map<String, String> before = liveVersions(defaults);
        assertThat(before).hasSize(6);
        CHANGED.forEach((parameter, transformed) -> {
            if (READ_BY_NO_FUNCTION.contains(parameter)) {
                return;
            }
            Map<String, String> after = liveVersions(transformed);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            before.forEach((function, version) -> assertThat(after.get(function))
                    .as("%s=%s: version the live alias of %s points at (was %s)", parameter, OTHER_VALUES.get(parameter), function, version)
                    .isNotEqualTo(version));
        });
    }

    @Test
    void theSameParametersPublishTheSameVersions() {
        assertThat(liveVersions(defaultsAgain)).isEqualTo(liveVersions(defaults));
        assertThat(liveVersions(defaultsSpelledOut)).as("the defaults given explicitly").isEqualTo(liveVersions(defaults));
    }

    @Test
    void aParameterNoFunctionReadsChangesWhatReadsItAndLeavesTheVersions() {
        JsonNode changed = CHANGED.get("ScheduleTimezone");
        assertThat(liveVersions(changed)).isEqualTo(liveVersions(defaults));
        assertThat(ofType(changed, "AWS::Scheduler::Schedule")).isNotEmpty().allSatisfy((id, schedule) ->
                assertThat(schedule.at("/Properties/ScheduleExpressionTimezone").asText()).as(id).isEqualTo("Europe/Paris"));
    }

    @Test
    void aChangedSettingPublishesANewVersionOfThatFunctionOnly(@TempDir Path dir) throws IOException {
        String text = Files.readString(TEMPLATE);
        String replayTimeout = "Handler: dev.lapse.functions.ReplayDeadLettersHandler::handleRequest\n      Timeout: 300\n";
        assertThat(text).contains(replayTimeout);
        Path changed = dir.resolve("template.yaml");
        Files.writeString(changed, text.replace(replayTimeout, replayTimeout.replace("300", "301")));

        Map<String, String> before = liveVersions(defaults);
        Map<String, String> after = liveVersions(SamTransform.of(changed, List.of(Map.of())).get(0));

        before.forEach((function, version) -> {
            if (function.equals("ReplayDeadLettersFunction")) {
                assertThat(after.get(function)).as("ReplayDeadLettersFunction after its Timeout changed").isNotEqualTo(version);
            } else {
                assertThat(after.get(function)).as(function + ", unchanged").isEqualTo(version);
            }
        });
    }

    // ---- issue 8, item 14: the alias ARNs are outputs ----

    @Test
    void outputsGiveTheLiveAliasOfEveryFunction() {
        JsonNode resources = defaults.path("Resources");
        Map<String, JsonNode> functions = ofType(defaults, "AWS::Lambda::Function");
        assertThat(functions).hasSize(6);
        functions.keySet().forEach(function -> {
            JsonNode output = defaults.at("/Outputs/" + function + "AliasArn");
            assertThat(output.isMissingNode()).as("output " + function + "AliasArn").isFalse();
            String alias = output.at("/Value/Ref").asText();
            assertThat(resources.at("/" + alias + "/Type").asText()).as(function + "AliasArn refers to an alias").isEqualTo("AWS::Lambda::Alias");
            assertThat(resources.at("/" + alias + "/Properties/Name").asText()).isEqualTo("live");
            assertThat(resources.at("/" + alias + "/Properties/FunctionName/Ref").asText()).isEqualTo(function);
        });
    }

    @Test
    void everyTriggerInvokesTheLiveAlias() {
        Set<String> aliases = ofType(defaults, "AWS::Lambda::Alias").keySet();
        ofType(defaults, "AWS::Lambda::EventSourceMapping").forEach((id, mapping) ->
                assertThat(mapping.at("/Properties/FunctionName/Ref").asText()).as(id).isIn(aliases));
        ofType(defaults, "AWS::Events::Rule").forEach((id, rule) -> rule.at("/Properties/Targets").forEach(target ->
                assertThat(target.at("/Arn/Ref").asText()).as(id).isIn(aliases)));
        ofType(defaults, "AWS::Scheduler::Schedule").forEach((id, schedule) ->
                assertThat(schedule.at("/Properties/Target/Arn/Ref").asText()).as(id).isIn(aliases));
    }

    /** Every statement of the inline policies of {@code role} (a logical id) in the transformed template. */
    private List<JsonNode> statements(String role) {
        List<JsonNode> statements = new ArrayList<>();
        defaults.path("Resources").at("/" + role + "/Properties/Policies").forEach(p -> p.at("/PolicyDocument/Statement").forEach(statements::add));
        return statements;
    }

    /** The scheduling function reads the ledger to tell a job that already ran from a pending one. */
    @Test
    void theSchedulingFunctionMayReadTheLedger() {
        String role = defaults.path("Resources").at("/ScheduleJobFunction/Properties/Role/Fn::GetAtt/0").asText();
        List<JsonNode> reads = statements(role).stream().filter(s -> "Allow".equals(s.path("Effect").asText())
                && s.path("Resource").toString().contains("JobExecutionsTable") && s.path("Action").toString().contains("\"dynamodb:GetItem\"")).toList();
        assertThat(reads).as("ScheduleJobFunction's role " + role + " may GetItem on JobExecutionsTable").isNotEmpty();
    }

    /** The sweep reads and writes its mark (DynamoSweepMarks) in the executions table, and no other item of it. */
    @Test
    void theSweepMayReadAndWriteItsMarkInTheLedgerAndNothingElseThere() {
        String role = defaults.path("Resources").at("/SweepDueJobsFunction/Properties/Role/Fn::GetAtt/0").asText();
        List<JsonNode> onLedger = statements(role).stream().filter(s -> s.path("Resource").toString().contains("JobExecutionsTable")).toList();
        assertThat(onLedger).as("SweepDueJobsFunction's role " + role + " on JobExecutionsTable").singleElement().satisfies(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(s.path("Action").toString()).isEqualTo("[\"dynamodb:GetItem\",\"dynamodb:PutItem\"]");
            assertThat(s.at("/Condition/ForAllValues:StringEquals/dynamodb:LeadingKeys").toString())
                    .isEqualTo("[\"" + dev.lapse.store.DynamoSweepMarks.KEY + "\"]");
        });
    }

    // ---- issue 8, item 15: the schedules' dead letters, valid names, what a deletion keeps ----

    @Test
    void everyScheduleHasAStandardDeadLetterQueueItsRoleMaySendTo() {
        JsonNode resources = defaults.path("Resources");
        Map<String, JsonNode> schedules = ofType(defaults, "AWS::Scheduler::Schedule");
        assertThat(schedules).hasSize(3);
        schedules.forEach((id, schedule) -> {
            JsonNode dlq = schedule.at("/Properties/Target/DeadLetterConfig/Arn");
            assertThat(dlq.path("Fn::GetAtt").path(1).asText()).as(id + " Target.DeadLetterConfig.Arn").isEqualTo("Arn");
            String queue = dlq.path("Fn::GetAtt").path(0).asText();
            assertThat(resources.at("/" + queue + "/Type").asText()).as(id + " dead-letter queue").isEqualTo("AWS::SQS::Queue");
            assertThat(resources.at("/" + queue + "/Properties/FifoQueue").asBoolean(false)).as("Scheduler needs a standard queue").isFalse();
            String role = schedule.at("/Properties/Target/RoleArn/Fn::GetAtt/0").asText();
            List<JsonNode> sends = statements(role).stream().filter(s -> "Allow".equals(s.path("Effect").asText())
                    && s.path("Action").toString().contains("\"sqs:SendMessage\"") && s.path("Resource").equals(dlq)).toList();
            assertThat(sends).as(id + ": its execution role " + role + " may send to " + queue + " (Scheduler sends dead letters with it)")
                    .isNotEmpty();
        });
    }

    @Test
    void scheduleNamesAreValidForTheLongestStackName() {
        String longestStackName = "s" + "-lapse".repeat(21) + "x".repeat(1);
        assertThat(longestStackName).hasSize(128);
        ofType(defaults, "AWS::Scheduler::Schedule").forEach((id, schedule) -> {
            JsonNode name = schedule.at("/Properties/Name");
            if (name.isMissingNode()) {
                return; // CloudFormation generates a unique name within Scheduler's limit
            }
            String resolved = name.isTextual() ? name.asText() : name.path("Fn::Sub").asText(null);
            assertThat(resolved).as(id + " Name must be a literal or an Fn::Sub string: " + name).isNotNull();
            resolved = resolved.replace("${AWS::StackName}", longestStackName);
            assertThat(resolved).as(id + " Name for a 128-character stack name").hasSizeLessThanOrEqualTo(64).matches("[0-9a-zA-Z-_.]+");
        });
    }

    @Test
    void everyResourceASamDeleteKeepsIsNamedByAnOutput() {
        // sam delete keeps the tables and queues with DeletionPolicy Retain (and SAM's function versions); README "What a
        // deletion keeps" sends the user to the outputs for their names and URLs
        Set<String> kept = new TreeSet<>();
        defaults.path("Resources").fields().forEachRemaining(r -> {
            if ("Retain".equals(r.getValue().path("DeletionPolicy").asText())
                    && Set.of("AWS::DynamoDB::Table", "AWS::SQS::Queue").contains(r.getValue().path("Type").asText())) {
                kept.add(r.getKey());
            }
        });
        assertThat(kept).contains("JobsTable", "JobExecutionsTable", "JobHistoryTable", "JobsDeadLetterQueue");
        String outputs = defaults.path("Outputs").toString();
        assertThat(kept).allSatisfy(id -> assertThat(outputs).as("an output names " + id).contains("{\"Ref\":\"" + id + "\"}"));
    }

    @Test
    void everyFailureQueueIsAnOutputAndOutlivesTheStack() {
        Map<String, JsonNode> failureQueues = failureQueues(defaults);
        assertThat(failureQueues.keySet()).contains("JobsDeadLetterQueue", "StreamFailureQueue", "DueJobsRedriveQueue",
                "ScheduleRequestFailureQueue", "SchedulesDeadLetterQueue");
        Set<String> outputQueues = new TreeSet<>();
        defaults.path("Outputs").forEach(o -> outputQueues.add(o.at("/Value/Ref").asText()));
        failureQueues.forEach((id, queue) -> {
            assertThat(outputQueues).as("an output gives the URL of " + id).contains(id);
            assertThat(queue.path("DeletionPolicy").asText()).as(id + " DeletionPolicy").isEqualTo("Retain");
            assertThat(queue.path("UpdateReplacePolicy").asText()).as(id + " UpdateReplacePolicy").isEqualTo("Retain");
        });
    }

    @Test
    void everyTableOutlivesTheStackAndAReplacement() {
        Map<String, JsonNode> tables = ofType(defaults, "AWS::DynamoDB::Table");
        assertThat(tables.keySet()).containsExactlyInAnyOrder("JobsTable", "JobExecutionsTable", "JobHistoryTable", "PaidLicensesTable");
        tables.forEach((id, table) -> {
            assertThat(table.path("DeletionPolicy").asText()).as(id + " DeletionPolicy").isEqualTo("Retain");
            assertThat(table.path("UpdateReplacePolicy").asText()).as(id + " UpdateReplacePolicy").isEqualTo("Retain");
        });
    }

    @Test
    void theReadmeListsEveryFailureQueueToWatch() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> watched = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z]+Queue)` \\|").matcher(ReadmeCommands.section(readme, "### Queues to watch"));
        while (row.find()) {
            watched.add(row.group(1));
        }
        assertThat(watched).as("rows of the README's \"Queues to watch\" table")
                .containsExactlyInAnyOrderElementsOf(failureQueues(defaults).keySet());
    }

    // ---- README: the replay commands run the live alias, on AWS CLI v1 and v2, and have a local form ----

    @Test
    void theReadmeReplayCommandsInvokeTheLiveAliasInAFormBothCliVersionsAccept() throws IOException {
        ReadmeCommands readme = ReadmeCommands.inSection(ROOT.resolve("README.md"), "## Failure semantics");
        List<Command> invokes = readme.commands().stream().filter(Command::isLambdaInvoke).toList();
        Set<String> aliasOutputs = new TreeSet<>();
        defaults.path("Outputs").fields().forEachRemaining(o -> {
            if ("AWS::Lambda::Alias".equals(defaults.at("/Resources/" + o.getValue().at("/Value/Ref").asText() + "/Type").asText())) {
                aliasOutputs.add(o.getKey());
            }
        });
        List<String> onAws = new ArrayList<>();
        List<String> local = new ArrayList<>();
        for (Command command : invokes) {
            assertThat(command.has("--cli-binary-format")).as(command.line() + ": AWS CLI v1 refuses --cli-binary-format").isFalse();
            String payload = command.option("--payload");
            assertThat(payload).as(command.line() + ": a payload file, which both CLI versions send as is").startsWith("fileb://");
            Path file = ROOT.resolve(payload.substring("fileb://".length()));
            assertThat(file).as(command.line()).exists();
            assertThat(Json.read(Files.readString(file)).isObject()).as(file + " is a JSON object").isTrue();
            String function = command.option("--function-name");
            if (command.has("--endpoint-url")) {
                assertThat("live".equals(command.option("--qualifier")) || function.endsWith(":live"))
                        .as(command.line() + ": invokes the live alias").isTrue();
                local.add(payload);
            } else {
                assertThat(function).as(command.line() + ": the function is a variable read from a stack output").startsWith("$");
                assertThat(readme.stackOutputVariables().get(function.substring(1)))
                        .as(command.line() + ": " + function + " is read from an output that gives a live alias ARN").isIn(aliasOutputs);
                onAws.add(payload);
            }
        }
        assertThat(onAws).as("replay commands for AWS").isNotEmpty();
        assertThat(local).as("a local form of every replay command").containsExactlyInAnyOrderElementsOf(onAws);
    }

    // ---- helpers ----

    /** Function logical id -> logical id of the version its live alias points at (checked to be that function's version). */
    static Map<String, String> liveVersions(JsonNode template) {
        JsonNode resources = template.path("Resources");
        Map<String, String> out = new TreeMap<>();
        ofType(template, "AWS::Lambda::Alias").forEach((id, alias) -> {
            String function = alias.at("/Properties/FunctionName/Ref").asText();
            String version = alias.at("/Properties/FunctionVersion/Fn::GetAtt/0").asText();
            assertThat(alias.at("/Properties/FunctionVersion/Fn::GetAtt/1").asText()).as(id + " FunctionVersion").isEqualTo("Version");
            assertThat(resources.at("/" + version + "/Type").asText()).as(version).isEqualTo("AWS::Lambda::Version");
            assertThat(resources.at("/" + version + "/Properties/FunctionName/Ref").asText()).as(version + " FunctionName").isEqualTo(function);
            out.put(function, version);
        });
        return out;
    }

    /**
     * Queues no function reads (every other queue is an event source): what lands there stays until
     * someone looks, so they are the queues to watch.
     */
    static Map<String, JsonNode> failureQueues(JsonNode template) {
        Set<String> consumed = new TreeSet<>();
        ofType(template, "AWS::Lambda::EventSourceMapping").forEach((id, m) ->
                consumed.add(m.at("/Properties/EventSourceArn/Fn::GetAtt/0").asText()));
        Map<String, JsonNode> out = new TreeMap<>(ofType(template, "AWS::SQS::Queue"));
        out.keySet().removeAll(consumed);
        return out;
    }

    static Map<String, JsonNode> ofType(JsonNode template, String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }
}
