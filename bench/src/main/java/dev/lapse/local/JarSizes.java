package dev.lapse.local;

import dev.lapse.local.BenchTable.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The size of each function's deployable jar, against the 8 MB target. */
final class JarSizes {
    private static final long TARGET_BYTES = 8_000_000;

    private JarSizes() {
    }

    static List<Row> measure(Path root, List<FunctionJar> functions) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (FunctionJar f : functions) {
            String figure = "Size of " + f.logicalId() + "'s jar (" + root.relativize(f.jar()) + ")";
            if (!Files.isRegularFile(f.jar())) {
                rows.add(new Row(figure, "missing (run `mvn -o package`)", "≤ 8 MB", "no"));
                continue;
            }
            long bytes = Files.size(f.jar());
            rows.add(new Row(figure, String.format(Locale.ROOT, "%.2f MB (%,d bytes)", bytes / 1e6, bytes), "≤ 8 MB",
                    BenchTable.met(bytes <= TARGET_BYTES)));
        }
        return rows;
    }
}
