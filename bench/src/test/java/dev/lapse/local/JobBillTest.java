package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class JobBillTest {
    private static final Prices P = Prices.US_EAST_1;

    @Test
    void eachServiceIsItsUnitsTimesItsPrice() {
        JobBill bill = new JobBill(2, 0.5, 4, 2, 3, 2, 0);
        assertThat(bill.lambdaDollars(P, "x86_64") * 1e6).isCloseTo(2 * 0.20 + 0.5 * 16.6667, within(1e-6));
        assertThat(bill.lambdaDollars(P, "arm64") * 1e6).isCloseTo(2 * 0.20 + 0.5 * 13.3334, within(1e-6));
        assertThat(bill.dynamoDollars(P) * 1e6).isCloseTo(4 * 0.625 + 2 * 0.125, within(1e-9));
        assertThat(bill.sqsDollars(P) * 1e6).isCloseTo(3 * 0.40, within(1e-9));
        assertThat(bill.eventDollars(P) * 1e6).isCloseTo(2 * 1.00, within(1e-9));
        assertThat(bill.dollars(P, "x86_64") * 1e6).isCloseTo(0.4 + 8.33335 + 2.75 + 1.2 + 2.0, within(1e-6));
    }

    @Test
    void eventBridgeSchedulerIsOneInvocationAndOneEventTwoDollarsAMillion() {
        assertThat(JobBill.EVENTBRIDGE_SCHEDULER.dollars(P, "x86_64") * 1e6).isCloseTo(2.00, within(1e-9));
        assertThat(JobBill.perMillion(JobBill.EVENTBRIDGE_SCHEDULER.dollars(P, "arm64"))).isEqualTo("$2.00");
        assertThat(new JobBill(0, 0, 0, 0, 0, 0, 3).eventDollars(P) * 1e6).isCloseTo(3.00, within(1e-9));
    }

    @Test
    void totalsAreDividedByTheNumberOfJobs() {
        JobBill bill = JobBill.perJob(4, 8, 2, 20, 6, 12, 4);
        assertThat(bill).isEqualTo(new JobBill(2, 0.5, 5, 1.5, 3, 1, 0));
        assertThatThrownBy(() -> JobBill.perJob(0, 1, 1, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobs is 0");
    }

    @Test
    void anArchitectureLambdaDoesNotHaveIsRefusedNamingWhatItAccepts() {
        assertThatThrownBy(() -> P.gbSecond("riscv")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("riscv").hasMessageContaining("x86_64 or arm64");
    }

    @Test
    void theDescriptionNamesEveryServicesUnitsAndDollars() {
        String text = new JobBill(1, 0.25, 3, 1, 2, 1, 0).describe(P, "x86_64");
        assertThat(text).contains("Lambda 1.00 req + 0.2500 GB-s ($4.37)").contains("DynamoDB 3.00 WRU + 1.00 RRU ($2.00)")
                .contains("SQS 2.00 req ($0.80)").contains("EventBridge 1.00 events ($1.00)").doesNotContain("Scheduler");
        assertThat(JobBill.EVENTBRIDGE_SCHEDULER.describe(P, "x86_64")).contains("1.00 Scheduler invocations ($2.00)");
    }
}
