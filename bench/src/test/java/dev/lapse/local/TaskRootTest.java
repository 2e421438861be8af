package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRootTest {
    @TempDir
    Path dir;

    @Test
    void aJarIsUnpackedWithItsDirectoriesAndFilesAsLambdaUnpacksItIntoTheTaskRoot() throws Exception {
        Path jar = jar("a.jar", "META-INF/", "META-INF/MANIFEST.MF", "dev/lapse/functions/Handler.class");

        Path root = TaskRoot.unpack(jar, dir.resolve("task"));

        assertThat(root).isEqualTo(dir.resolve("task"));
        assertThat(Files.readString(root.resolve("dev/lapse/functions/Handler.class"))).isEqualTo("dev/lapse/functions/Handler.class");
        assertThat(Files.readString(root.resolve("META-INF/MANIFEST.MF"))).isEqualTo("META-INF/MANIFEST.MF");

        TaskRoot.delete(dir.resolve("task"));
        assertThat(dir.resolve("task")).doesNotExist();
        TaskRoot.delete(dir.resolve("task"));
    }

    @Test
    void anEntryThatWouldLandOutsideTheTaskRootIsRefused() throws Exception {
        Path jar = jar("evil.jar", "ok.txt", "../outside.txt");

        assertThatThrownBy(() -> TaskRoot.unpack(jar, dir.resolve("task"))).hasMessageContaining("cannot unpack")
                .hasRootCauseMessage("entry ../outside.txt of " + jar + " is outside the task root");
        assertThat(dir.resolve("outside.txt")).doesNotExist();
    }

    /** A jar whose files hold their own names; a name ending in / is a directory. */
    private Path jar(String name, String... entries) throws Exception {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                if (!entry.endsWith("/")) {
                    zip.write(entry.getBytes(StandardCharsets.UTF_8));
                }
                zip.closeEntry();
            }
        }
        return jar;
    }
}
