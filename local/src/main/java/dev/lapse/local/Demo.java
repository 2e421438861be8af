package dev.lapse.local;

import java.nio.file.Path;

/** Placeholder replaced below. */
final class Demo {
    private Demo() {
    }

    static int run(Path root) {
        return 1;
    }
}
