package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.Lapse;
import dev.lapse.functions.ReplayDeadLettersHandler;
import dev.lapse.functions.RunDueJobsHandler;
import dev.lapse.functions.RunExpiredJobsHandler;
import dev.lapse.functions.RunRecurringJobsHandler;
import dev.lapse.functions.SweepDueJobsHandler;
import dev.lapse.functions.ScheduleJobHandler;
import dev.lapse.testing.RecordingHttp;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each handler, built the way Lambda builds it (from the environment), primes itself in its
 * constructor: it runs its own path on a sample event and so makes the AWS calls its first event
 * would make, all answered in-process. Not one of them is sent on the real transport (each is only prepared on it, to load
 * its classes, and aborted).
 */
class HandlerPrimingTest {
    private static final Map<String, String> ENV = Map.of("JOBS_TABLE", "jobs", "EXECUTIONS_TABLE", "executions",
            "LICENCES_TABLE", "licences", "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:1/000000000000/dlq",
            "DUE_JOBS_QUEUE_URL", "http://127.0.0.1:1/000000000000/due", "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

    static {
        System.setProperty("aws.accessKeyId", "priming");
        System.setProperty("aws.secretAccessKey", "priming");
    }

    static Stream<Arguments> handlers() {
        return Stream.of(
                Arguments.of("ScheduleJobHandler", (Consumer<Lapse>) ScheduleJobHandler::new,
                        List.of("DynamoDB_20120810.PutItem", "AmazonSQS.SendMessage")),
                Arguments.of("RunExpiredJobsHandler", (Consumer<Lapse>) RunExpiredJobsHandler::new,
                        List.of("DynamoDB_20120810.PutItem", "AWSEvents.PutEvents", "DynamoDB_20120810.TransactWriteItems")),
                Arguments.of("RunDueJobsHandler", (Consumer<Lapse>) RunDueJobsHandler::new,
                        List.of("DynamoDB_20120810.BatchGetItem", "DynamoDB_20120810.GetItem", "AWSEvents.PutEvents")),
                Arguments.of("RunRecurringJobsHandler", (Consumer<Lapse>) RunRecurringJobsHandler::new,
                        List.of("AWSEvents.PutEvents", "DynamoDB_20120810.Scan")),
                Arguments.of("ReplayDeadLettersHandler", (Consumer<Lapse>) ReplayDeadLettersHandler::new,
                        List.of("AmazonSQS.ReceiveMessage", "DynamoDB_20120810.PutItem", "AmazonSQS.SendMessage", "AmazonSQS.DeleteMessage")),
                Arguments.of("SweepDueJobsHandler", (Consumer<Lapse>) SweepDueJobsHandler::new,
                        List.of("DynamoDB_20120810.GetItem", "DynamoDB_20120810.Query", "AmazonSQS.SendMessageBatch",
                                "DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.PutItem")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handlers")
    void primesItsFirstEventsCallsWithoutSendingAny(String name, Consumer<Lapse> construct, List<String> expected) {
        RecordingHttp real = new RecordingHttp();
        Lapse lapse = Lapse.fromEnvironment(ENV, real);

        construct.accept(lapse);

        assertThat(real.requests).as(name + ": requests sent on the real transport").isEmpty();
        assertThat(lapse.priming().orElseThrow().answered()).as(name + ": calls answered while priming").containsAll(expected);
        // in any order: a batch's calls (the sweep's queries) run on several workers at once
        assertThat(real.prepared).as(name + ": each prepared on the real client, then aborted unsent")
                .containsExactlyInAnyOrderElementsOf(lapse.priming().orElseThrow().answered())
                .containsExactlyInAnyOrderElementsOf(real.aborted);
    }
}
