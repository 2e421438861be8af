package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialBatchTest {
    @Test
    void everyRecordIsHandledAndOnlyThoseThatThrewAreReturned() {
        List<String> handled = new ArrayList<>();
        List<String> failed = PartialBatch.failedIds(List.of("a", "b", "c"), r -> "id-" + r, r -> {
            handled.add(r);
            if (r.equals("b")) {
                throw new IllegalStateException("no");
            }
        });
        assertThat(handled).containsExactly("a", "b", "c");
        assertThat(failed).containsExactly("id-b");
    }
}
