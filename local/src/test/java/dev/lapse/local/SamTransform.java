package dev.lapse.local;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SAM template transformed as {@code sam deploy} has CloudFormation transform it: the SAM
 * translator installed in the machine's Python (it comes with cfn-lint), driven by
 * {@code src/test/resources/sam/transform.py}. Missing Python or translator is a test failure
 * that says what to install, never a skip: the deployment's behaviour is proven nowhere else.
 */
final class SamTransform {
    private static final String PYTHON = System.getProperty("lapse.python", "python3");

    private SamTransform() {
    }

    /** The CloudFormation template SAM makes of {@code template}, once per parameter set (overrides of the defaults). */
    static List<JsonNode> of(Path template, List<Map<String, String>> parameterSets) {
        Path script;
        try {
            script = Path.of(SamTransform.class.getResource("/sam/transform.py").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("sam/transform.py is not on the test classpath", e);
        }
        List<String> command = List.of(PYTHON, script.toString(), template.toString(), Json.write(Json.MAPPER.valueToTree(parameterSets)));
        try {
            Path out = Files.createTempFile("sam-transform", ".json");
            Path err = Files.createTempFile("sam-transform", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(180, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail("the SAM transform of " + template + " did not finish within 180 s");
                }
                String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
                switch (process.exitValue()) {
                    case 0 -> {
                    }
                    case 3 -> fail("cannot run the SAM translator: " + stderr);
                    default -> fail("the SAM transform of " + template + " failed (exit " + process.exitValue() + "): " + stderr);
                }
                List<JsonNode> results = new ArrayList<>();
                Json.MAPPER.readTree(out.toFile()).forEach(results::add);
                return results;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run `" + PYTHON + "` (" + e.getMessage() + "): the deployment tests need python3 with the SAM"
                    + " translator, e.g. `pip install cfn-lint` (or -Dlapse.python=/path/to/python3)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
