package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.local.BenchTable.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarSizesTest {
    @TempDir
    Path root;

    @Test
    void oneRowPerJarNamingTheFunctionsThatRunFromItAgainstTheLimit() throws Exception {
        Path shared = Files.write(root.resolve("shared.jar"), new byte[8_000_000]);
        Path big = Files.write(root.resolve("big.jar"), new byte[8_000_001]);
        List<Row> rows = JarSizes.measure(root, List.of(new FunctionJar("A", shared, "a.A::handleRequest", 1024),
                new FunctionJar("B", shared, "b.B::handleRequest", 1024), new FunctionJar("C", big, "c.C::handleRequest", 1024),
                new FunctionJar("D", root.resolve("absent.jar"), "d.D::handleRequest", 1024)));
        assertThat(rows).containsExactly(
                new Row("Size of A, B's jar (shared.jar)", "8.00 MB (8,000,000 bytes)", "≤ 8 MB", "yes"),
                new Row("Size of C's jar (big.jar)", "8.00 MB (8,000,001 bytes)", "≤ 8 MB", "**no**"),
                new Row("Size of D's jar (absent.jar)", "missing (run `mvn -o package`)", "≤ 8 MB", "no"));
    }

    @Test
    void aJarThatEveryFunctionRunsFromIsOneRow() throws Exception {
        Path jar = Files.write(root.resolve("lapse-lambda.jar"), new byte[7_250_000]);
        List<Row> rows = JarSizes.measure(root, List.of(new FunctionJar("A", jar, "a.A::handleRequest", 1024),
                new FunctionJar("B", jar, "b.B::handleRequest", 1024)));
        assertThat(rows).containsExactly(new Row("Size of every function's jar (lapse-lambda.jar)", "7.25 MB (7,250,000 bytes)", "≤ 8 MB", "yes"));
    }
}
