package dev.lapse.local;

import dev.lapse.local.BenchTable.Row;

/** How long the local runtime takes to be ready: its own {@code startup()} figure, and the whole {@code start()} call. */
final class ReadyTime {
    private static final long TARGET_MS = 10_000;

    private ReadyTime() {
    }

    /** The row for {@code runtime}, whose {@code start()} call took {@code startCallNanos}. */
    static Row row(LocalRuntime runtime, long startCallNanos) {
        long ready = runtime.startup().toMillis();
        return new Row("Local runtime ready time (`LocalRuntime.start`: DynamoDB Local, ElasticMQ, bus, the template's "
                + runtime.functionCount() + " handlers; first start in this JVM)",
                BenchTable.num(ready) + " ms (`startup()`; whole `start()` call " + BenchTable.num(startCallNanos / 1_000_000) + " ms)",
                "≤ 10 s", BenchTable.met(ready <= TARGET_MS));
    }
}
