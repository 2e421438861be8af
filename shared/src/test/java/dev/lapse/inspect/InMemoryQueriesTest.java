package dev.lapse.inspect;

import dev.lapse.job.Job;
import dev.lapse.job.JobJson;
import dev.lapse.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link JobQueriesContract} on the in-memory fakes of {@link Listing} and {@link History} the unit tests use. */
class InMemoryQueriesTest extends JobQueriesContract {
    @Override
    protected Fixture fixture(Clock clock) {
        Map<String, Job> jobs = new HashMap<>();
        InMemoryHistory history = new InMemoryHistory(clock);
        JobQueries queries = new JobQueries(id -> Optional.ofNullable(jobs.get(id)), new InMemoryListing(jobs), history, clock);
        return new Fixture(job -> jobs.put(job.jobId(), job), history, queries);
    }

    /** The pending jobs of a map, listed as the index lists them: every job but a paused or cancelled recurring one. */
    record InMemoryListing(Map<String, Job> jobs) implements Listing {
        @Override
        public Page page(Instant from, Instant to, Optional<String> jobType, int limit, Optional<Cursor> after) {
            List<Listed> found = jobs.values().stream().filter(j -> !j.isDormant())
                    .filter(j -> !j.dueAt().isBefore(from) && !j.dueAt().isAfter(to))
                    .filter(j -> jobType.map(j.type()::equals).orElse(true))
                    .map(j -> new Listed(j.jobId(), j.type(), j.dueAt(), j.dueAt().toEpochMilli(), j.occurrenceId(), j.attempt(),
                            j.series().map(s -> Json.write(JobJson.SeriesJson.of(s))).orElse(null)))
                    .filter(l -> after.map(l::isAfter).orElse(true)).toList();
            return Page.of(found, limit);
        }
    }
}
