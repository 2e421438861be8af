package dev.lapse.local;

import dev.lapse.job.Job;
import dev.lapse.licence.DynamoLicenceStore;
import dev.lapse.licence.LicenceStore;
import dev.lapse.licence.LicenceStoreContract;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.run.Claims;
import dev.lapse.run.ClaimsContract;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.JobsContract;
import dev.lapse.schedule.ScheduledJobs;
import dev.lapse.schedule.ScheduledJobsContract;
import dev.lapse.store.DueIndex;
import dev.lapse.store.DynamoSweepMarks;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobStore;
import dev.lapse.store.StoredJobs;
import dev.lapse.sweep.PendingJobs;
import dev.lapse.sweep.PendingJobsContract;
import dev.lapse.sweep.SweepMarks;
import dev.lapse.sweep.SweepMarksContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB adapters of the ports ({@link ExecutionLedger}, {@link StoredJobs} over {@link JobStore} for the run path;
 * {@link JobStore} for scheduling; {@link DynamoLicenceStore} over {@link PaidLicenses}; {@link DueIndex} and
 * {@link DynamoSweepMarks} for the sweep)
 * pass the same contracts as the in-memory fakes the unit tests of {@code shared} use: on DynamoDB Local in-process, on
 * the tables {@code template.yaml} declares (keys, indexes) as the local runtime creates them, fresh ones per test.
 */
class DynamoAdaptersContractTest {
    private static final Duration RETENTION = Duration.ofDays(7);
    private final TemplateTables tables = TemplateTables.shared();
    private final DynamoDbClient dynamo = tables.dynamo();

    Map<String, String> freshTables() {
        return tables.fresh();
    }

    ExecutionLedger ledger(Map<String, String> tables, Clock clock) {
        return new ExecutionLedger(dynamo, tables.get("JobExecutionsTable"), clock, ClaimsContract.LEASE, RETENTION);
    }

    @Nested
    class Ledger extends ClaimsContract {
        @Override
        protected Claims newClaims() {
            return ledger(freshTables(), clock);
        }
    }

    @Nested
    class Table extends JobsContract {
        private final List<Job> offers = Collections.synchronizedList(new ArrayList<>());

        @Override
        protected void newTable() {
            Map<String, String> tables = freshTables();
            ExecutionLedger ledger = ledger(tables, clock);
            claims = ledger;
            DueJobsQueue queue = new DueJobsQueue() {
                @Override
                public boolean offer(Job job) {
                    offers.add(job);
                    return true;
                }

                @Override
                public boolean resend(Message message) {
                    throw new UnsupportedOperationException("not part of the Jobs contract");
                }
            };
            jobs = new StoredJobs(new JobStore(dynamo, tables.get("JobsTable"), job -> false, Duration.ZERO), ledger, Optional.of(queue), clock);
        }

        @Override
        protected List<Job> offered() {
            return offers;
        }
    }

    @Nested
    class ScheduledTable extends ScheduledJobsContract {
        @Override
        protected ScheduledJobs newJobs() {
            return ScheduledJobs.in(new JobStore(dynamo, freshTables().get("JobsTable"), job -> false, Duration.ZERO));
        }
    }

    @Nested
    class Licences extends LicenceStoreContract {
        @Override
        protected LicenceStore newStore() {
            Map<String, String> tables = freshTables();
            return new DynamoLicenceStore(new PaidLicenses(dynamo, tables.get("PaidLicensesTable"), Clock.systemUTC()),
                    new JobStore(dynamo, tables.get("JobsTable"), job -> false, Duration.ZERO));
        }
    }

    @Nested
    class DueTimeIndex extends PendingJobsContract {
        private JobStore store;

        @Override
        protected PendingJobs newIndex() {
            String jobs = freshTables().get("JobsTable");
            store = new JobStore(dynamo, jobs, job -> true, Duration.ZERO); // every job due beyond the horizon
            return new DueIndex(dynamo, jobs);
        }

        @Override
        protected void schedule(String jobId, String occurrenceId, Instant due) {
            store.cancel(jobId);
            store.create(new Job(jobId, "report.daily", "{}", due, due.toString(), occurrenceId, 1, Optional.empty(), List.of(),
                    due.minusSeconds(3600), "contract"));
        }
    }

    @Nested
    class SweepMark extends SweepMarksContract {
        @Override
        protected SweepMarks newMarks() {
            return new DynamoSweepMarks(dynamo, freshTables().get("JobExecutionsTable"));
        }
    }
}
