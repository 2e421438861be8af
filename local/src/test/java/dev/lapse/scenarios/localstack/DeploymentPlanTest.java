package dev.lapse.scenarios.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.json.Json;
import dev.lapse.local.Template;
import dev.lapse.local.TemplateException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** template.yaml turned into LocalStack requests, without Docker: what the LocalStack suite deploys. */
class DeploymentPlanTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    private static final String STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/lapse-JobsTable/stream/2026-01-01T00:00:00.000";
    private static final String STRICT = "{\"eventName\": [\"REMOVE\"], \"userIdentity\": {\"type\": [\"Service\"], \"principalId\": [\"dynamodb.amazonaws.com\"]}}";

    private static DeploymentPlan plan(Map<String, String> parameters) {
        return DeploymentPlan.of(Template.load(ROOT.resolve("template.yaml"), parameters), ROOT);
    }

    /** What LocalStack would have answered, in predictable form: queue URLs and ARNs from names. */
    private static DeployedResources deployed(DeploymentPlan plan) {
        DeployedResources deployed = new DeployedResources();
        plan.template().resources().forEach((id, r) -> {
            if ("AWS::Events::EventBus".equals(r.get("Type"))) {
                deployed.bus(id, plan.busName(id, deployed));
            }
        });
        for (var table : plan.tables(deployed)) {
            String name = table.create().tableName();
            String arn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + name;
            deployed.table(table.logicalId(), name, arn, table.create().streamSpecification() == null ? null
                    : name.equals("lapse-JobsTable") ? STREAM_ARN : arn + "/stream/test");
        }
        for (var queue : plan.queues(deployed)) {
            String name = queue.create().queueName();
            deployed.queue(queue.logicalId(), name, "http://localhost:4566/000000000000/" + name, "arn:aws:sqs:us-east-1:000000000000:" + name);
        }
        for (var function : plan.functions(deployed)) {
            String name = function.create().functionName();
            deployed.function(function.logicalId(), name, "arn:aws:lambda:us-east-1:000000000000:function:" + name);
        }
        return deployed;
    }

    private static DeploymentPlan.MappingSpec mapping(DeploymentPlan plan, String functionId) {
        return plan.eventSourceMappings(deployed(plan)).stream().filter(m -> m.functionId().equals(functionId)).findFirst().orElseThrow();
    }

    private static DeploymentPlan.FunctionSpec function(DeploymentPlan plan, String logicalId) {
        return plan.functions(deployed(plan)).stream().filter(f -> f.logicalId().equals(logicalId)).findFirst().orElseThrow();
    }

    @Test
    void theJobsTableHasTtlOnTtlAndAStreamOfOldImages() {
        DeploymentPlan plan = plan(Map.of());

        var jobs = plan.tables(new DeployedResources()).stream().filter(t -> t.logicalId().equals("JobsTable")).findFirst().orElseThrow();

        assertThat(jobs.create().tableName()).isEqualTo("lapse-JobsTable");
        assertThat(jobs.create().keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("jobId");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(jobs.create().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
        assertThat(jobs.create().streamSpecification().streamEnabled()).isTrue();
        assertThat(jobs.create().streamSpecification().streamViewType()).isEqualTo(StreamViewType.OLD_IMAGE);
        assertThat(jobs.timeToLive()).hasValueSatisfying(ttl -> {
            assertThat(ttl.tableName()).isEqualTo("lapse-JobsTable");
            assertThat(ttl.timeToLiveSpecification().attributeName()).isEqualTo("ttl");
            assertThat(ttl.timeToLiveSpecification().enabled()).isTrue();
        });
    }

    @Test
    void tablesFollowTheTemplatesConditions() {
        var tables = plan(Map.of()).tables(new DeployedResources());
        var withExistingLicences = plan(Map.of("PaidLicensesTableName", "licences")).tables(new DeployedResources());

        assertThat(tables).extracting(DeploymentPlan.TableSpec::logicalId).containsExactly("JobsTable", "JobExecutionsTable", "JobHistoryTable", "PaidLicensesTable");
        assertThat(tables.get(1).timeToLive().orElseThrow().timeToLiveSpecification().attributeName()).isEqualTo("expiresAt");
        assertThat(tables.get(1).create().streamSpecification()).as("no stream on the ledger").isNull();
        assertThat(withExistingLicences).extracting(DeploymentPlan.TableSpec::logicalId).containsExactly("JobsTable", "JobExecutionsTable", "JobHistoryTable");
    }

    @Test
    void runExpiredJobsGetsTheStrictTtlFilterByDefault() {
        var create = mapping(plan(Map.of()), "RunExpiredJobsFunction").create();

        assertThat(create.filterCriteria().filters()).singleElement().satisfies(f -> assertThat(f.pattern()).isEqualTo(STRICT));
        assertThat(create.functionName()).isEqualTo("lapse-RunExpiredJobsFunction");
        assertThat(create.eventSourceArn()).isEqualTo(STREAM_ARN);
        assertThat(create.startingPosition()).isEqualTo(EventSourcePosition.TRIM_HORIZON);
        assertThat(create.batchSize()).isEqualTo(10);
        assertThat(create.maximumBatchingWindowInSeconds()).isZero();
        assertThat(create.bisectBatchOnFunctionError()).isTrue();
        assertThat(create.maximumRetryAttempts()).isEqualTo(10);
        assertThat(create.maximumRecordAgeInSeconds()).isEqualTo(86400);
        assertThat(create.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        assertThat(create.destinationConfig().onFailure().destination()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:lapse-StreamFailureQueue");
        assertThat(function(plan(Map.of()), "RunExpiredJobsFunction").create().environment().variables())
                .containsEntry("REQUIRE_TTL_IDENTITY", "true");
    }

    @Test
    void anyRemovePassesEveryRemoveAndTellsTheFunctionNotToRequireTheIdentity() {
        DeploymentPlan plan = plan(Map.of("TtlDeletionFilter", "any-remove"));

        var create = mapping(plan, "RunExpiredJobsFunction").create();

        assertThat(create.filterCriteria().filters()).singleElement()
                .satisfies(f -> assertThat(Json.read(f.pattern())).isEqualTo(Json.read("{\"eventName\": [\"REMOVE\"]}")));
        assertThat(function(plan, "RunExpiredJobsFunction").create().environment().variables()).containsEntry("REQUIRE_TTL_IDENTITY", "false");
    }

    @Test
    void functionsGetGlobalsAndTheirEnvironmentWithResolvedNames() {
        DeploymentPlan plan = plan(Map.of());

        var schedule = function(plan, "ScheduleJobFunction");

        var create = schedule.create();
        assertThat(create.functionName()).isEqualTo("lapse-ScheduleJobFunction");
        assertThat(create.runtime()).isEqualTo(Runtime.JAVA21);
        assertThat(create.handler()).isEqualTo("dev.lapse.functions.ScheduleJobHandler::handleRequest");
        assertThat(create.role()).isEqualTo(DeploymentPlan.ROLE_ARN);
        assertThat(create.memorySize()).isEqualTo(1024);
        assertThat(create.timeout()).isEqualTo(30);
        assertThat(create.architectures()).containsExactly(Architecture.X86_64);
        assertThat(create.code()).as("code is added by the deployer").isNull();
        assertThat(schedule.code()).isEqualTo(ROOT.resolve("functions/bundle/target/lapse-lambda.jar"));
        assertThat(create.environment().variables())
                .containsEntry("JOBS_TABLE", "lapse-JobsTable")
                .containsEntry("EXECUTIONS_TABLE", "lapse-JobExecutionsTable")
                .containsEntry("LICENCES_TABLE", "lapse-PaidLicensesTable")
                .containsEntry("EVENT_BUS_NAME", "default")
                .containsEntry("DEAD_LETTER_QUEUE_URL", "http://localhost:4566/000000000000/lapse-JobsDeadLetterQueue")
                .containsEntry("DUE_JOBS_QUEUE_URL", "http://localhost:4566/000000000000/lapse-DueJobsQueue")
                .containsEntry("RECONCILE_GRACE_MINUTES", "60")
                .containsEntry("RETRY_POLICIES", "");
        assertThat(schedule.invokeConfig()).hasValueSatisfying(c -> {
            assertThat(c.functionName()).isEqualTo("lapse-ScheduleJobFunction");
            assertThat(c.maximumRetryAttempts()).isEqualTo(2);
            assertThat(c.destinationConfig().onFailure().destination()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:lapse-ScheduleRequestFailureQueue");
            assertThat(c.destinationConfig().onSuccess()).isNull();
        });
        assertThat(plan.functions(deployed(plan))).extracting(DeploymentPlan.FunctionSpec::code)
                .allSatisfy(code -> assertThat(code.toString()).endsWith("-lambda.jar"));
    }

    @Test
    void parametersReachTheFunctionsEnvironment() {
        DeploymentPlan plan = plan(Map.of("PreciseDelivery", "disabled", "PaidLicensesTableName", "licences"));

        var variables = function(plan, "RunDueJobsFunction").create().environment().variables();

        assertThat(variables).containsEntry("DUE_JOBS_QUEUE_URL", "").containsEntry("LICENCES_TABLE", "licences");
    }

    @Test
    void queuesKeepTheirAttributesAndRedrive() {
        DeploymentPlan plan = plan(Map.of());

        var due = plan.queues(new DeployedResources()).stream().filter(q -> q.logicalId().equals("DueJobsQueue")).findFirst().orElseThrow();
        var redrive = plan.redrivePolicies(deployed(plan));

        assertThat(due.create().queueName()).isEqualTo("lapse-DueJobsQueue");
        assertThat(due.create().attributes()).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "180");
        assertThat(redrive).containsOnlyKeys("DueJobsQueue");
        assertThat(Json.read(redrive.get("DueJobsQueue"))).isEqualTo(Json.read(
                "{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:000000000000:lapse-DueJobsRedriveQueue\", \"maxReceiveCount\": \"5\"}"));
    }

    @Test
    void theDueJobsQueueFeedsRunDueJobs() {
        var create = mapping(plan(Map.of()), "RunDueJobsFunction").create();

        assertThat(create.eventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:lapse-DueJobsQueue");
        assertThat(create.batchSize()).isEqualTo(10);
        assertThat(create.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        assertThat(create.startingPosition()).as("queues have no starting position").isNull();
    }

    @Test
    void schedulingRequestsBecomeARuleTargetingScheduleJob() {
        DeploymentPlan plan = plan(Map.of());

        var rules = plan.rules(deployed(plan));

        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.rule().name()).isEqualTo("lapse-ScheduleJobFunction-SchedulingRequests");
            assertThat(r.rule().eventBusName()).isEqualTo("default");
            assertThat(Json.read(r.rule().eventPattern())).isEqualTo(Json.read("{\"source\": [{\"anything-but\": \"lapse\"}],"
                    + " \"detail-type\": [\"Schedule Job\", \"Cancel Job\", \"Reschedule Job\", \"Pause Job\", \"Resume Job\", \"Subscription Cancelled\", \"Subscription Reactivated\"]}"));
            assertThat(r.targets().rule()).isEqualTo(r.rule().name());
            assertThat(r.targets().targets()).singleElement().satisfies(t -> {
                assertThat(t.arn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:lapse-ScheduleJobFunction");
                assertThat(t.retryPolicy().maximumRetryAttempts()).isEqualTo(10);
                assertThat(t.retryPolicy().maximumEventAgeInSeconds()).isEqualTo(86400);
                assertThat(t.deadLetterConfig().arn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:lapse-ScheduleRequestFailureQueue");
            });
        });
    }

    @Test
    void aCustomBusIsCreatedAndRulesGoOnIt() {
        DeploymentPlan plan = plan(Map.of("EventBusName", "lapse-bus"));

        assertThat(plan.eventBuses(new DeployedResources())).singleElement().satisfies(b -> assertThat(b.name()).isEqualTo("lapse-bus"));
        assertThat(plan.rules(deployed(plan))).singleElement().satisfies(r -> {
            assertThat(r.rule().eventBusName()).isEqualTo("lapse-bus");
            assertThat(r.targets().eventBusName()).isEqualTo("lapse-bus");
        });
        assertThat(plan(Map.of()).eventBuses(new DeployedResources())).as("the default bus exists already").isEmpty();
    }

    @Test
    void schedulesAndPropertiesWithoutEffectAreListedNotDropped() {
        List<String> notes = plan(Map.of()).notes();

        assertThat(notes).anySatisfy(n -> assertThat(n).contains("RunRecurringJobsFunction.LicenceReconciliation").contains("ScheduleV2"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("RunRecurringJobsFunction.DailyReport"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("BisectBatchOnFunctionError").contains("do not bisect"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("AutoPublishAlias").contains("Policies").contains("SnapStart"));
    }

    @Test
    void aReferenceToSomethingNotYetDeployedIsAnErrorNamingWhere() {
        DeploymentPlan plan = plan(Map.of());

        assertThatThrownBy(() -> plan.functions(new DeployedResources()))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resources.ScheduleJobFunction.Properties")
                .hasMessageContaining("JobsTable");
    }

    private static DeploymentPlan inline(String resources) {
        String yaml = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n" + resources;
        return DeploymentPlan.of(Template.parse(new StringReader(yaml), Map.of()), ROOT);
    }

    @Test
    void unsupportedResourcesPropertiesAndEventsAreRefusedByName() {
        assertThatThrownBy(() -> inline("""
                  Reports:
                    Type: AWS::S3::Bucket
                """)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resource Reports: type AWS::S3::Bucket is not supported by the LocalStack deployer");

        assertThatThrownBy(() -> inline("""
                  Jobs:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      KeySchema: [{AttributeName: id, KeyType: HASH}]
                      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                      LocalSecondaryIndexes: []
                """)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resource Jobs: property LocalSecondaryIndexes of AWS::DynamoDB::Table is not supported");

        assertThatThrownBy(() -> inline("""
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.B::handleRequest
                      CodeUri: functions/x/target/x.jar
                      Events:
                        Http:
                          Type: Api
                          Properties: {Path: /, Method: get}
                """)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resource Api, event Http: type Api is not supported by the LocalStack deployer");

        assertThatThrownBy(() -> inline("""
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.B::handleRequest
                      CodeUri: {Bucket: code, Key: fn.jar}
                """)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resource Fn: property CodeUri must be a path");

        assertThatThrownBy(() -> inline("""
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.B::handleRequest
                      CodeUri: functions/x/target/x.jar
                      Events:
                        Rule:
                          Type: EventBridgeRule
                          Properties:
                            Pattern: {source: [x]}
                            DeadLetterConfig: {Type: SQS}
                """).rules(new DeployedResources().function("Fn", "lapse-Fn", "arn:aws:lambda:us-east-1:000000000000:function:lapse-Fn")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("DeadLetterConfig: only Arn is supported");
    }
}
