package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobItems;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The write units DynamoDB Local (2.6.1) reports for Lapse's own writes, which the bench's cost model adds up
 * (README "Cost per million jobs"). Its plain writes follow AWS's published rule (1 unit per KB, each index entry
 * written another); in a transaction, a table with one item in it is reported at 4 units where the rule says 2 (two
 * items of a table, 4, as the rule says), and an index entry at 4. So the cost model's transactional units are high.
 */
class DynamoLocalCapacityTest {
    private final TemplateTables tables = TemplateTables.shared();
    private final DynamoDbClient dynamo = tables.dynamo();
    private final Instant due = Instant.now().plusSeconds(30);
    private Map<String, String> names;
    private ExecutionLedger ledger;
    private JobStore store;

    @BeforeEach
    void freshTables() {
        names = tables.fresh();
        ledger = new ExecutionLedger(dynamo, names.get("JobExecutionsTable"), Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofDays(7));
        store = new JobStore(dynamo, names.get("JobsTable"), job -> false, Duration.ZERO);
    }

    private Job job(String jobId) {
        return new Job(jobId, "bench.cost", "{\"bench\":true}", due, due.toString(), UUID.randomUUID().toString(), 1, Optional.empty(),
                List.of(), Instant.now(), "com.example.billing");
    }

    private List<ConsumedCapacity> transact(TransactWriteItem... items) {
        return dynamo.transactWriteItems(r -> r.transactItems(items).returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
    }

    private ConsumedCapacity of(List<ConsumedCapacity> capacity, String logicalId) {
        return capacity.stream().filter(c -> c.tableName().equals(names.get(logicalId))).findFirst().orElseThrow();
    }

    @Test
    void aPlainWriteOfAJobIsOneUnitForTheItemAndOneForItsListingIndexEntry() {
        Job job = job("plain");
        ConsumedCapacity put = dynamo.putItem(r -> r.tableName(names.get("JobsTable")).item(JobItems.toItem(job))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();

        assertThat(put.table().capacityUnits()).as("a job item is under 1 KB").isEqualTo(1.0);
        assertThat(put.globalSecondaryIndexes().get("pendingByDue").capacityUnits()).isEqualTo(1.0);
        assertThat(put.capacityUnits()).isEqualTo(2.0);
    }

    @Test
    void inATransactionATableWithOneItemIsReportedAtFourUnitsTwoItemsAtFour() {
        Job taken = job("taken");
        store.create(taken);

        List<ConsumedCapacity> takeAndClaim = transact(store.deleteSeen(taken), TransactWriteItem.builder().put(ledger.claimPut(taken)).build());
        assertThat(of(takeAndClaim, "JobsTable").table().capacityUnits()).as("one item deleted: the rule says 2").isEqualTo(4.0);
        assertThat(of(takeAndClaim, "JobsTable").globalSecondaryIndexes().get("pendingByDue").capacityUnits()).isEqualTo(4.0);
        assertThat(of(takeAndClaim, "JobExecutionsTable").table().capacityUnits()).as("one claim put: the rule says 2").isEqualTo(4.0);
        assertThat(takeAndClaim.stream().mapToDouble(ConsumedCapacity::capacityUnits).sum()).as("what the bench counts").isEqualTo(12.0);

        List<ConsumedCapacity> twoClaims = transact(TransactWriteItem.builder().put(ledger.claimPut(job("a"))).build(),
                TransactWriteItem.builder().put(ledger.claimPut(job("b"))).build());
        assertThat(of(twoClaims, "JobExecutionsTable").table().capacityUnits()).as("two items: 2 each, as the rule says").isEqualTo(4.0);
        assertThat(of(transact(TransactWriteItem.builder().put(ledger.claimPut(job("c"))).build()), "JobExecutionsTable").capacityUnits())
                .as("one item alone").isEqualTo(4.0);
    }
}
