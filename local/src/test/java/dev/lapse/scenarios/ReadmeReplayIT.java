package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.readme.ReadmeCommands;
import dev.lapse.readme.ReadmeCommands.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/**
 * The README's local replay commands, sent with the AWS SDK exactly as the CLI sends them
 * (function name, qualifier, the payload file's bytes) to the local runtime's Lambda endpoint,
 * which listens on a free port here instead of 3001.
 */
class ReadmeReplayIT extends ScenarioSuite {
    private static final String ENDPOINT = "http://127.0.0.1:3001";

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(false, Map.of());
    }

    @Test
    void theLocalReplayCommandsRunTheReplayFunctionAndReplayADeadLetter() throws IOException {
        Path root = LocalRuntimeEnvironment.root();
        List<Command> local = ReadmeCommands.inSection(root.resolve("README.md"), "## Failure semantics").commands().stream()
                .filter(Command::isLambdaInvoke).filter(c -> c.has("--endpoint-url")).toList();
        assertThat(local).as("local replay commands in the README").hasSizeGreaterThanOrEqualTo(4);

        // Given a dead letter for the job the README's one-job payload names
        Path oneJob = root.resolve("events/replay-dead-letters.json");
        String jobId = Json.read(Files.readString(oneJob)).path("jobId").asText();
        Instant due = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var runtime = ((LocalRuntimeEnvironment) env).runtime();
        runtime.lapse("ReplayDeadLettersFunction").deadLetters().send(
                new Job(jobId, "invoice.remind", "{}", due, due.toString(), "readme-replay", 5, Optional.empty(), List.of(), due, "test"),
                "failed its last attempt (seeded by the test)", due);

        List<String> replayed = new java.util.ArrayList<>();
        for (Command command : local) {
            assertThat(command.option("--endpoint-url")).as(command.line()).isEqualTo(ENDPOINT);
            assertThat(command.option("--region")).as(command.line()).isEqualTo("us-east-1");
            String payloadFile = command.option("--payload").substring("fileb://".length());
            byte[] payload = Files.readAllBytes(root.resolve(payloadFile));

            // When it is sent as the CLI sends it
            var response = env.lambda().invoke(r -> r.functionName(command.option("--function-name"))
                    .qualifier(command.option("--qualifier")).payload(SdkBytes.fromByteArray(payload)));

            // Then the replay function answered for the source the file names
            assertThat(response.statusCode()).as(command.line()).isEqualTo(200);
            assertThat(response.functionError()).as(command.line()).isNull();
            JsonNode answer = Json.read(response.payload().asUtf8String());
            assertThat(answer.path("ok").asBoolean()).as(command.line() + " answered " + answer).isTrue();
            assertThat(answer.path("source").asText()).isEqualTo(Json.read(new String(payload)).path("source").asText());
            answer.path("replayed").forEach(id -> replayed.add(id.asText()));
        }
        assertThat(replayed).as("the seeded dead letter, replayed once by the first dead-letters command").containsExactly(jobId);
        await("the replayed job is back in the Jobs table or has run", Duration.ofSeconds(20),
                () -> !steps.jobDue(jobId).isEmpty() || steps.job(jobId).isPresent());
    }
}
