package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template the local runtime cannot honour is refused before any server boots, with the resource
 * and property named: the check reads the template model alone, so each case takes milliseconds.
 */
class BrokenTemplateTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    private static String broken(String from, String to) throws Exception {
        String template = Files.readString(ROOT.resolve("template.yaml"));
        if (!template.contains(from)) {
            throw new IllegalStateException("template.yaml no longer contains: " + from);
        }
        return template.replace(from, to);
    }

    private static void check(String yaml) {
        TemplateCheck.check(Template.parse(new StringReader(yaml), Map.of()));
    }

    @Test
    void theRepositoryTemplatePasses() throws Exception {
        assertThatCode(() -> check(Files.readString(ROOT.resolve("template.yaml")))).doesNotThrowAnyException();
    }

    @Test
    void aNumberParameterOutsideItsRangeIsRefusedAsCloudFormationDoes() throws Exception {
        String yaml = Files.readString(ROOT.resolve("template.yaml"));
        for (String value : new String[] {"89", "901", "ninety"}) {
            assertThatThrownBy(() -> Template.parse(new StringReader(yaml), Map.of("PreciseHorizonSeconds", value)))
                    .isInstanceOf(TemplateException.class)
                    .hasMessageContaining("Parameters.PreciseHorizonSeconds: value " + value);
        }
        assertThatThrownBy(() -> Template.parse(new StringReader(yaml), Map.of("PreciseHorizonSeconds", "901")))
                .hasMessageContaining("accepted: a number from 90 to 900");
        for (String value : new String[] {"90", "900"}) {
            assertThatCode(() -> Template.parse(new StringReader(yaml), Map.of("PreciseHorizonSeconds", value))).doesNotThrowAnyException();
        }
    }

    @Test
    void anAlarmTopicThatIsNotAnSnsArnIsRefusedAsCloudFormationDoes() throws Exception {
        String yaml = Files.readString(ROOT.resolve("template.yaml"));
        assertThatThrownBy(() -> Template.parse(new StringReader(yaml), Map.of("AlarmTopicArn", "ops@example.com")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("Parameters.AlarmTopicArn: value ops@example.com does not match AllowedPattern")
                .hasMessageContaining("the ARN of an SNS topic");
        for (String value : new String[] {"", "arn:aws:sns:eu-west-1:123456789012:lapse-ops"}) {
            assertThatCode(() -> Template.parse(new StringReader(yaml), Map.of("AlarmTopicArn", value))).doesNotThrowAnyException();
        }
    }

    @Test
    void anAlarmPropertyOutsideTheModelIsNamed() throws Exception {
        assertThatThrownBy(() -> check(broken("      TreatMissingData: notBreaching\n", "      TreatMissingData: notBreaching\n      Bogus: 1\n")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("property Bogus of AWS::CloudWatch::Alarm");
    }

    @Test
    void anUnknownFilterMatcherIsAClearError() throws Exception {
        String yaml = broken("'{\"eventName\": [\"REMOVE\"], \"userIdentity\"", "'{\"eventName\": [{\"sounds-like\": \"REMOVE\"}], \"userIdentity\"");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("RunExpiredJobsFunction")
                .hasMessageContaining("FilterCriteria");
    }

    @Test
    void aStreamOfAMissingTableIsAClearError() throws Exception {
        String yaml = broken("Stream: !GetAtt JobsTable.StreamArn", "Stream: !GetAtt ArchivedJobsTable.StreamArn");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("RunExpiredJobsFunction")
                .hasMessageContaining("ArchivedJobsTable");
    }

    @Test
    void aStreamOfATableWithoutStreamIsAClearError() throws Exception {
        String yaml = broken("Stream: !GetAtt JobsTable.StreamArn", "Stream: !GetAtt JobExecutionsTable.StreamArn");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("RunExpiredJobsFunction")
                .hasMessageContaining("JobExecutionsTable.StreamArn, but the table has no StreamSpecification");
    }

    @Test
    void aRefToAMissingResourceIsAClearError() throws Exception {
        String yaml = broken("DEAD_LETTER_QUEUE_URL: !Ref JobsDeadLetterQueue", "DEAD_LETTER_QUEUE_URL: !Ref JobsGraveyardQueue");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("Environment")
                .hasMessageContaining("Ref JobsGraveyardQueue");
    }

    @Test
    void aDestinationOutsideTheTemplateIsAClearError() throws Exception {
        String yaml = broken("Destination: !GetAtt StreamFailureQueue.Arn",
                "Destination: arn:aws:sqs:us-east-1:000000000000:elsewhere");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("DestinationConfig.OnFailure.Destination")
                .hasMessageContaining("arn:aws:sqs:us-east-1:000000000000:elsewhere is not a queue of the template");
    }

    @Test
    void anAsynchronousInvocationConfigTheRuntimeCannotHonourIsNamedBeforeAnyServerBoots() throws Exception {
        String first = "      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n        DestinationConfig:\n          OnFailure:\n"
                + "            Type: SQS\n            Destination: !GetAtt ScheduleRequestFailureQueue.Arn\n      Events:\n        SchedulingRequests:";
        String onSuccess = broken(first, first.replace("          OnFailure:", "          OnSuccess:\n            Type: SQS\n"
                + "            Destination: !GetAtt ScheduleRequestFailureQueue.Arn\n          OnFailure:"));
        String topic = broken(first, first.replace("Type: SQS", "Type: SNS"));
        String retries = broken(first, first.replace("MaximumRetryAttempts: 2", "MaximumRetryAttempts: 3"));
        String elsewhere = broken(first, first.replace("!GetAtt ScheduleRequestFailureQueue.Arn", "arn:aws:sqs:us-east-1:000000000000:elsewhere"));
        String misspelt = broken(first, first.replace("MaximumRetryAttempts: 2", "MaximumRetryAttempt: 0"));
        String words = broken(first, first.replace("MaximumRetryAttempts: 2", "MaximumRetryAttempts: two"));
        String age = broken(first, first.replace("MaximumRetryAttempts: 2", "MaximumRetryAttempts: 2\n        MaximumEventAgeInSeconds: 30"));

        assertThatThrownBy(() -> check(onSuccess)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("ScheduleJobFunction.Properties.EventInvokeConfig.DestinationConfig.OnSuccess is not supported");
        assertThatThrownBy(() -> check(topic)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.DestinationConfig.OnFailure.Type: SNS is not supported");
        assertThatThrownBy(() -> check(retries)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.MaximumRetryAttempts: 3 is out of range; accepted: 0 to 2");
        assertThatThrownBy(() -> check(misspelt)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.MaximumRetryAttempt is not supported by the local runtime");
        assertThatThrownBy(() -> check(words)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.MaximumRetryAttempts: two is out of range; accepted: 0 to 2");
        assertThatThrownBy(() -> check(age)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.MaximumEventAgeInSeconds: 30 is out of range; accepted: 60 to 21600");
        assertThatThrownBy(() -> check(elsewhere)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("EventInvokeConfig.DestinationConfig.OnFailure.Destination")
                .hasMessageContaining("is not a queue of the template");
    }

    @Test
    void anUnsupportedPropertyIsNamedNotIgnored() throws Exception {
        String indent = " ".repeat(12);
        String yaml = broken(indent + "MaximumBatchingWindowInSeconds: 0",
                indent + "TumblingWindowInSeconds: 60\n" + indent + "MaximumBatchingWindowInSeconds: 0");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("JobsTableTtlDeletions")
                .hasMessageContaining("TumblingWindowInSeconds");
    }

    @Test
    void anUnsupportedResourceTypeIsNamed() throws Exception {
        String yaml = broken("Resources:\n", "Resources:\n  JobsTopic:\n    Type: AWS::SNS::Topic\n");

        assertThatThrownBy(() -> check(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("JobsTopic")
                .hasMessageContaining("AWS::SNS::Topic");
    }

    @Test
    void theRuntimeRefusesABrokenTemplateBeforeAnyServerBoots(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("template.yaml"), broken("Resources:\n", "Resources:\n  JobsTopic:\n    Type: AWS::SNS::Topic\n"));
        try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // a port held by another process would be refused once the servers start; the template is refused first
            var options = RuntimeOptions.defaults(dir).withSchedules(false).withPorts(taken.getLocalPort(), 0, 0);

            assertThatThrownBy(() -> LocalRuntime.start(options).close()).isInstanceOf(TemplateException.class)
                    .hasMessageContaining("JobsTopic");
        }
    }
}
