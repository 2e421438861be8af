package dev.lapse.run;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-record loop of a queue or stream handler: each record is handled on its own, and the ids of
 * those that threw are returned for the partial-batch response (the trigger delivers only those again).
 */
public final class PartialBatch {
    private static final Logger LOG = LoggerFactory.getLogger(PartialBatch.class);

    private PartialBatch() {
    }

    public static <R> List<String> failedIds(List<R> records, Function<R, String> id, Consumer<R> handle) {
        List<String> failed = new ArrayList<>();
        for (R record : records) {
            try {
                handle.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("record {} failed and will be delivered again: {}", id.apply(record), e.toString());
                failed.add(id.apply(record));
            }
        }
        return failed;
    }
}
