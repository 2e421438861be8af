package dev.lapse.run;

import dev.lapse.job.Job;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The in-memory fakes of the run path's ports pass the same contracts as their DynamoDB adapters. */
class InMemoryContractsTest {

    @Nested
    class Ledger extends ClaimsContract {
        @Override
        protected Claims newClaims() {
            return new InMemory.Ledger(clock, LEASE);
        }
    }

    @Nested
    class Table extends JobsContract {
        private InMemory.Table table;

        @Override
        protected void newTable() {
            InMemory.Ledger ledger = new InMemory.Ledger(clock, ClaimsContract.LEASE);
            claims = ledger;
            table = new InMemory.Table(ledger);
            jobs = table;
        }

        @Override
        protected List<Job> offered() {
            return table.offered;
        }
    }
}
