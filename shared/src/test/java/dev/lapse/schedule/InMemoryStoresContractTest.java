package dev.lapse.schedule;

import dev.lapse.licence.LicenceStore;
import dev.lapse.licence.LicenceStoreContract;
import org.junit.jupiter.api.Nested;

/** The in-memory fake of the Jobs and PaidLicenses tables passes the same contracts as their DynamoDB adapters. */
class InMemoryStoresContractTest {

    @Nested
    class Jobs extends ScheduledJobsContract {
        @Override
        protected ScheduledJobs newJobs() {
            return new InMemoryStores();
        }
    }

    @Nested
    class Licences extends LicenceStoreContract {
        @Override
        protected LicenceStore newStore() {
            return new InMemoryStores();
        }
    }
}
