package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template the local runtime cannot honour stops it at startup with the resource and property named. */
class BrokenTemplateTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    private static Path broken(Path dir, String from, String to) throws Exception {
        String template = Files.readString(ROOT.resolve("template.yaml"));
        if (!template.contains(from)) {
            throw new IllegalStateException("template.yaml no longer contains: " + from);
        }
        Files.writeString(dir.resolve("template.yaml"), template.replace(from, to));
        return dir;
    }

    @Test
    void anUnknownFilterMatcherIsAClearError(@TempDir Path dir) throws Exception {
        Path root = broken(dir, "'{\"eventName\": [\"REMOVE\"], \"userIdentity\"",
                "'{\"eventName\": [{\"sounds-like\": \"REMOVE\"}], \"userIdentity\"");

        assertThatThrownBy(() -> LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false)).close())
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("RunExpiredJobsFunction")
                .hasMessageContaining("FilterCriteria");
    }

    @Test
    void aStreamOfAMissingTableIsAClearError(@TempDir Path dir) throws Exception {
        Path root = broken(dir, "Stream: !GetAtt JobsTable.StreamArn", "Stream: !GetAtt ArchivedJobsTable.StreamArn");

        assertThatThrownBy(() -> LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false)).close())
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("RunExpiredJobsFunction")
                .hasMessageContaining("ArchivedJobsTable");
    }

    @Test
    void anUnsupportedPropertyIsNamedNotIgnored(@TempDir Path dir) throws Exception {
        String indent = " ".repeat(12);
        Path root = broken(dir, indent + "MaximumBatchingWindowInSeconds: 0",
                indent + "TumblingWindowInSeconds: 60\n" + indent + "MaximumBatchingWindowInSeconds: 0");

        assertThatThrownBy(() -> LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false)).close())
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("JobsTableTtlDeletions")
                .hasMessageContaining("TumblingWindowInSeconds");
    }

    @Test
    void anUnsupportedResourceTypeIsNamed(@TempDir Path dir) throws Exception {
        Path root = broken(dir, "Resources:\n", "Resources:\n  JobsTopic:\n    Type: AWS::SNS::Topic\n");

        assertThatThrownBy(() -> LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false)).close())
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("JobsTopic")
                .hasMessageContaining("AWS::SNS::Topic");
    }
}
