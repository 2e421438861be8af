package dev.lapse.inspect;

import dev.lapse.run.Attempt;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Records in a list; a dead letter is listed until its occurrence is replayed. */
public final class InMemoryHistory implements History {
    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing(Entry::at).thenComparing(Entry::jobId).reversed();

    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();
    private final Set<Entry> replayed = new HashSet<>();

    public InMemoryHistory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void observe(Attempt attempt) {
        if (KEPT.contains(attempt.outcome())) {
            entries.add(Entry.of(attempt));
        }
    }

    @Override
    public void cancelled(String jobId, String jobType, String occurrenceId, Instant dueAt, String by) {
        entries.add(Entry.cancellation(jobId, jobType, occurrenceId, dueAt, clock.instant(), by));
    }

    @Override
    public List<Entry> of(String jobId, int limit) {
        return entries.stream().filter(e -> e.jobId().equals(jobId)).sorted(NEWEST_FIRST).limit(limit).toList();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit, Optional<Position> after) {
        return entries.stream().filter(Entry::isDeadLetter).filter(e -> !replayed.contains(e)).sorted(NEWEST_FIRST)
                .filter(e -> after.map(p -> e.at().compareTo(p.at()) < 0 || e.at().equals(p.at()) && e.jobId().compareTo(p.jobId()) < 0)
                        .orElse(true))
                .limit(limit).map(DeadLetter::new).toList();
    }

    @Override
    public void replayed(String jobId, String occurrenceId) {
        entries.stream().filter(e -> e.jobId().equals(jobId) && e.occurrenceId().equals(occurrenceId)).forEach(replayed::add);
    }
}
