package dev.lapse.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.ExecutionLedger.Claim;
import dev.lapse.store.ExecutionLedger.ClaimResult;
import dev.lapse.store.ExecutionLedger.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory fakes of the run path's ports, with the conditions of their DynamoDB/SQS adapters. */
final class InMemory {
    private InMemory() {
    }

    /**
     * A runner on these fakes that runs every job type with {@code action}: the default retry policies, dead letters
     * and events kept by fakes nobody reads, jitter 0.5, and {@code observer} told of every attempt.
     */
    static JobRunner runner(Table table, Ledger ledger, JobAction action, Clock clock, AttemptObserver observer) {
        return new JobRunner(table, ledger, type -> action, RetryPolicies.defaults(), new DeadLetters(), new Events(), clock, () -> 0.5, observer);
    }

    /** {@link #runner(Table, Ledger, JobAction, Clock, AttemptObserver)} with no observer. */
    static JobRunner runner(Table table, Ledger ledger, JobAction action, Clock clock) {
        return runner(table, ledger, action, clock, AttemptObserver.NONE);
    }

    /** The ledger: the claim conditions of {@link ExecutionLedger#claimPut}. */
    static final class Ledger implements Claims {
        record Entry(int attempt, State state, long leaseUntil, Job job, String outcome) {
        }

        final Map<String, Entry> entries = new HashMap<>();
        final Clock clock;
        private final Duration lease;
        RuntimeException failFinish;

        Ledger(Clock clock, Duration lease) {
            this.clock = clock;
            this.lease = lease;
        }

        @Override
        public synchronized ClaimResult claim(Job job) {
            long now = clock.millis();
            Entry old = entries.get(job.occurrenceId());
            boolean allowed = old == null
                    || old.state() == State.RELEASED && old.attempt() <= job.attempt()
                    || old.state() == State.RETRIED && old.attempt() < job.attempt()
                    || old.state() == State.IN_FLIGHT && old.leaseUntil() < now && old.attempt() <= job.attempt();
            if (allowed) {
                entries.put(job.occurrenceId(), new Entry(job.attempt(), State.IN_FLIGHT, now + lease.toMillis(), job, null));
                return new ClaimResult(Claim.CLAIMED, now + lease.toMillis());
            }
            if (old.state() == State.IN_FLIGHT && old.attempt() <= job.attempt()) {
                return new ClaimResult(Claim.IN_FLIGHT_ELSEWHERE, old.leaseUntil());
            }
            return new ClaimResult(Claim.ALREADY_HANDLED, 0);
        }

        @Override
        public synchronized void release(String occurrenceId, int attempt) {
            finishPatiently(occurrenceId, attempt, State.RELEASED, "released");
        }

        @Override
        public synchronized boolean finishPatiently(String occurrenceId, int attempt, State state, String outcome) {
            if (failFinish != null) {
                return false;
            }
            Entry old = entries.get(occurrenceId);
            if (old == null || old.state() != State.IN_FLIGHT || old.attempt() != attempt) {
                return false;
            }
            entries.put(occurrenceId, new Entry(attempt, state, old.leaseUntil(), old.job(), outcome));
            return true;
        }

        @Override
        public synchronized void forgetCopy(String occurrenceId) {
            Entry e = entries.get(occurrenceId);
            if (e != null && e.state() == State.RELEASED) {
                entries.put(occurrenceId, new Entry(e.attempt(), e.state(), e.leaseUntil(), null, e.outcome()));
            }
        }

        @Override
        public synchronized Optional<Job> recoverable(String occurrenceId) {
            Entry e = entries.get(occurrenceId);
            if (e == null || e.job() == null) {
                return Optional.empty();
            }
            boolean leaseOver = e.state() == State.IN_FLIGHT && e.leaseUntil() < clock.millis();
            return e.state() == State.RELEASED || leaseOver ? Optional.of(e.job()) : Optional.empty();
        }

        @Override
        public synchronized State state(String occurrenceId) {
            Entry e = entries.get(occurrenceId);
            return e == null ? null : e.state();
        }

        State stateOf(Job job) {
            return state(job.occurrenceId());
        }
    }

    /** The Jobs table: the conditions of {@code JobStore.rearm} and {@code takeAndClaim}. */
    static final class Table implements Jobs {
        final Map<String, Job> items = new HashMap<>();
        final List<Job> offered = new ArrayList<>();
        private final Ledger ledger;
        RuntimeException failRearm;
        RuntimeException failArmNext;
        RuntimeException failGetAll;
        /** Every read of the table: {@code get <jobId>} or {@code getAll <count>}. */
        final List<String> reads = new ArrayList<>();

        Table(Ledger ledger) {
            this.ledger = ledger;
        }

        @Override
        public synchronized boolean rearm(Job job) {
            if (failRearm != null) {
                throw failRearm;
            }
            Job old = items.get(job.jobId());
            if (old != null && !(old.occurrenceId().equals(job.occurrenceId()) && old.attempt() < job.attempt())) {
                return false;
            }
            items.put(job.jobId(), job);
            offered.add(job);
            return true;
        }

        @Override
        public synchronized Optional<Job> get(String jobId) {
            reads.add("get " + jobId);
            return Optional.ofNullable(items.get(jobId));
        }

        @Override
        public synchronized boolean armNext(Job next) {
            if (failArmNext != null) {
                throw failArmNext;
            }
            if (items.containsKey(next.jobId())) {
                return false;
            }
            items.put(next.jobId(), next);
            offered.add(next);
            return true;
        }


        @Override
        public synchronized Map<String, Job> getAll(java.util.Collection<String> jobIds) {
            reads.add("getAll " + jobIds.size());
            if (failGetAll != null) {
                throw failGetAll;
            }
            Map<String, Job> found = new HashMap<>();
            jobIds.stream().filter(items::containsKey).forEach(id -> found.put(id, items.get(id)));
            return found;
        }

        @Override
        public synchronized Taken takeAndClaim(Job read, Instant dueBy) {
            String jobId = read.jobId();
            Job job = items.get(jobId);
            // the stored job must still be this occurrence at this attempt (the adapter's transaction condition)
            if (job == null || !job.occurrenceId().equals(read.occurrenceId()) || job.attempt() != read.attempt()
                    || read.isDormant() || read.dueAt().isAfter(dueBy)) {
                return new Taken(Optional.empty(), null);
            }
            job = read;
            ClaimResult claim = ledger.claim(job);
            if (claim.claim() != Claim.CLAIMED) {
                return new Taken(Optional.of(job), claim);
            }
            // a recurring job is replaced by its next occurrence, as JobStore's transaction does
            Optional<Job> next = job.isSeries() ? Occurrences.next(job, ledger.clock.instant()) : Optional.empty();
            items.remove(jobId);
            next.ifPresent(n -> {
                items.put(jobId, n);
                offered.add(n);
            });
            return new Taken(Optional.of(job), claim, next);
        }
    }

    static final class DeadLetters implements DeadLetterSink {
        record Letter(Job job, String reason, Instant at) {
        }

        final List<Letter> letters = new ArrayList<>();
        RuntimeException fail;

        @Override
        public synchronized void send(Job job, String reason, Instant at) {
            if (fail != null) {
                throw fail;
            }
            letters.add(new Letter(job, reason, at));
        }
    }

    static final class Events implements EventSink {
        record Event(String detailType, ObjectNode detail) {
        }

        final List<Event> events = new ArrayList<>();
        RuntimeException fail;

        @Override
        public synchronized String publish(String detailType, ObjectNode detail) {
            if (fail != null) {
                throw fail;
            }
            events.add(new Event(detailType, detail));
            return "event-" + events.size();
        }
    }

    static final class Queue implements DueJobsQueue {
        final List<DueJobsQueue.Message> resent = new ArrayList<>();

        @Override
        public synchronized boolean offer(Job job) {
            return true;
        }

        @Override
        public synchronized boolean resend(DueJobsQueue.Message message) {
            resent.add(message);
            return true;
        }
    }
}
