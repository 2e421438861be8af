package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The team's rule that a handler only translates its Lambda event and calls shared: every handler in
 * functions/ is under 40 lines (what it primes with is a {@code PrimingSample} in shared).
 */
class HandlerSizeTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyHandlerIsUnderFortyLines() throws IOException {
        List<Path> handlers;
        try (Stream<Path> files = Files.walk(ROOT.resolve("functions"))) {
            handlers = files.filter(p -> p.toString().contains("src" + java.io.File.separator + "main")
                    && p.getFileName().toString().endsWith("Handler.java")).toList();
        }
        assertThat(handlers).as("handlers found").hasSizeGreaterThanOrEqualTo(5);
        for (Path handler : handlers) {
            assertThat(Files.readAllLines(handler)).as(ROOT.relativize(handler) + " lines").hasSizeLessThan(40);
        }
    }
}
