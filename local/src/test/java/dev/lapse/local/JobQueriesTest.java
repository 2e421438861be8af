package dev.lapse.local;

import dev.lapse.inspect.History;
import dev.lapse.inspect.JobHistory;
import dev.lapse.inspect.JobQueries;
import dev.lapse.inspect.JobQueriesContract;
import dev.lapse.inspect.PendingListing;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@link JobQueriesContract} on the DynamoDB adapters ({@link JobStore}, {@link PendingListing}, {@link JobHistory}) and the
 * template's tables in DynamoDB Local, in-process, fresh ones per test. (ListJobsIT pages 1,000 jobs through the deployed
 * function.)
 */
class JobQueriesTest extends JobQueriesContract {
    private final TemplateTables tables = TemplateTables.shared();

    @Override
    protected Fixture fixture(Clock clock) {
        Map<String, String> names = tables.fresh();
        String jobs = names.get("JobsTable");
        JobStore store = new JobStore(tables.dynamo(), jobs, job -> false, Duration.ZERO);
        History history = new JobHistory(tables.dynamo(), names.get("JobHistoryTable"), Duration.ofDays(7), clock);
        JobQueries queries = new JobQueries(store::get, new PendingListing(tables.dynamo(), jobs), history, clock);
        return new Fixture(store::create, history, queries);
    }
}
