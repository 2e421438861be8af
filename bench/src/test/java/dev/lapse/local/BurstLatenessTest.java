package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The store-bound minimums a burst's drain is set beside. */
class BurstLatenessTest {

    @Test
    void theMinimumIsTheJobsCallsAtTheRawPutItemRateOrTheJobsAtThePathsOwnRate() {
        StoreRates store = new StoreRates(780, 250, 390);
        assertThat(store.putMinimumMs(1000, 3.12)).isCloseTo(4000, within(1e-9));
        assertThat(store.putMinimumMs(10_000, 3.12)).isCloseTo(40_000, within(1e-9));
        assertThat(store.pathMinimumMs(1000)).isCloseTo(4000, within(1e-9));
        assertThat(new StoreRates(1000, 500, 400).pathMinimumMs(1000)).isCloseTo(2000, within(1e-9));
    }

    @Test
    void aTakeAndClaimCostsThePutItemCallsTheStoreRunsInTheTimeOfOne() {
        assertThat(new StoreRates(780, 250, 390).putsPerTakeAndClaim()).isCloseTo(2.0, within(1e-9));
        assertThat(new StoreRates(1000, 250, 400).putsPerTakeAndClaim()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void ratiosPrintWithTwoDecimals() {
        assertThat(BenchTable.ratio(1.0 / 3)).isEqualTo("0.33×");
        assertThat(BenchTable.ratio(1.254)).isEqualTo("1.25×");
        assertThat(BenchTable.ratio(1.256)).isEqualTo("1.26×");
        assertThat(BenchTable.ratio(12)).isEqualTo("12.00×");
    }
}
