package dev.lapse.local;

import dev.lapse.local.BenchTable.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The size of each deployable jar the functions name (one row per jar, with the functions that run from it), against the 8 MB target. */
final class JarSizes {
    private static final long TARGET_BYTES = 8_000_000;

    private JarSizes() {
    }

    static List<Row> measure(Path root, List<FunctionJar> functions) throws IOException {
        Map<Path, List<String>> byJar = new LinkedHashMap<>();
        for (FunctionJar f : functions) {
            byJar.computeIfAbsent(f.jar(), jar -> new ArrayList<>()).add(f.logicalId());
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Path, List<String>> jar : byJar.entrySet()) {
            String users = jar.getValue().size() == functions.size() && functions.size() > 1 ? "every function's" : String.join(", ", jar.getValue()) + "'s";
            String figure = "Size of " + users + " jar (" + root.relativize(jar.getKey()) + ")";
            if (!Files.isRegularFile(jar.getKey())) {
                rows.add(new Row(figure, "missing (run `mvn -o package`)", "≤ 8 MB", "no"));
                continue;
            }
            long bytes = Files.size(jar.getKey());
            rows.add(new Row(figure, String.format(Locale.ROOT, "%.2f MB (%,d bytes)", bytes / 1e6, bytes), "≤ 8 MB",
                    BenchTable.met(bytes <= TARGET_BYTES)));
        }
        return rows;
    }
}
