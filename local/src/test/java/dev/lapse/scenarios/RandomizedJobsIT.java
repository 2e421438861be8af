package dev.lapse.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.local.LocalFunction;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.JobRunner;
import dev.lapse.run.SqsDueJobsQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Thousands of jobs with random due times on both sides of the precise horizon, cancelled and
 * rescheduled at random while they wait or run (across the horizon either way, but not from around it to around it
 * again: see {@link #movedTo}), with injected failures (transient: a throttled
 * PutEvents, put back and retried; and failing attempts retried by the job's retry policy) and
 * duplicate deliveries (the same due-jobs queue message sent again, at once or after the run; a TTL
 * stream record delivered again after the run). Afterwards, from the Job Due events and the ledger:
 * every job not cancelled ran exactly once, never early, at the due time and occurrence it was last
 * given; every cancelled job never ran.
 *
 * <p>The seed is fixed ({@value #DEFAULT_SEED}), printed, and can be set with {@code -Dlapse.random.seed};
 * the number of jobs with {@code -Dlapse.random.jobs} (3,000) and their rate with {@code -Dlapse.random.rate} (100 a second).
 * Fast TTL stands behind the queue for every job (its {@code ttl} is 2 s after the due time), and takes any job the queue
 * is later than that for; the horizon is
 * {@code PreciseHorizonSeconds} = {@link #HORIZON_SECONDS} and the template's schedules run, the sweep every
 * {@link #SWEEP_EVERY} instead of every minute (so the test takes about two minutes, not three; {@link SweepPathIT}
 * runs it every minute), so jobs beyond the horizon are handed to the queue by the sweep.
 */
class RandomizedJobsIT extends ScenarioSuite {
    /**
     * The precise horizon, the lowest the sweep every {@link #SWEEP_EVERY} allows ({@link RuntimeOptions#withSweepEvery}):
     * half the due times straddle it, within {@link #SPREAD_SECONDS}.
     */
    static final int HORIZON_SECONDS = 35;
    static final java.time.Duration SWEEP_EVERY = java.time.Duration.ofSeconds(5);
    /** Half the due times fall 1 s .. 2 × this after scheduling, half as far on either side of the horizon. */
    static final int SPREAD_SECONDS = 10;
    /** Where the half of the due times around the horizon begins, in ms after scheduling (the near half ends before it). */
    static final long AROUND_THE_HORIZON_MS = (HORIZON_SECONDS - SPREAD_SECONDS) * 1000L;
    /** Due this much after a request, a job is beyond the horizon whenever its item is written (within a second). */
    static final long BEYOND_HORIZON_MS = HORIZON_SECONDS * 1000L + 1000;
    static final long DEFAULT_SEED = 20261123L;
    private static final long SEED = Long.getLong("lapse.random.seed", DEFAULT_SEED);
    private static final int JOBS = Integer.getInteger("lapse.random.jobs", 3000);
    /** Scheduled this many a second (so 3,000 take 30 s). */
    private static final int PER_SECOND = Integer.getInteger("lapse.random.rate", 100);
    private static final String TYPE = "random.job";
    private static final String THROTTLED = "ThrottlingException";
    private static final String DENIED = "AccessDeniedException";

    private final Map<String, Expected> expected = new HashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    /** When the latest Schedule Job request of the run was sent, in epoch ms. */
    private final AtomicLong lastScheduledMs = new AtomicLong();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    protected LapseEnvironment createEnvironment() {
        // The template's schedules run too, the sweep every 5 s, so it hands the jobs beyond the horizon to the queue.
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withFastTtl(true).withSweepEvery(SWEEP_EVERY)
                .withParameters(Map.of("PreciseHorizonSeconds", Integer.toString(HORIZON_SECONDS))));
    }

    /** A job's plan, drawn from the seed before anything runs. */
    record Plan(String jobId, long dueMs, String failure, int failures, List<Action> actions, boolean duplicateAtOnce,
                boolean duplicateAfterRun, boolean recordAfterRun) {
    }

    /** A cancel, or a reschedule to {@code newDueMs} after the action, {@code atMs} after the job was scheduled. */
    record Action(long atMs, boolean cancel, long newDueMs) {
    }

    /** What must have happened to a job, kept as its requests are answered (each job's requests one at a time). */
    static final class Expected {
        final Plan plan;
        final List<String> log = new CopyOnWriteArrayList<>();
        boolean cancelled;
        /** Its last schedule or reschedule was due more than the horizon (and a second) later: only the sweep can hand it over. */
        boolean beyondHorizon;
        Instant due;
        String occurrenceId;

        Expected(Plan plan) {
            this.plan = plan;
        }
    }

    static List<Plan> plans(long seed, int jobs) {
        Random random = new Random(seed);
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            long due = random.nextInt(20) == 0 ? -random.nextInt(5_000) : dueAfterScheduling(random);
            double f = random.nextDouble();
            // a failing attempt once or twice (each retried within 1-2 s); a throttled run put back once (for 30 s)
            int failing = f < 0.16 ? 1 + random.nextInt(2) : 0;
            List<Action> actions = new ArrayList<>();
            double a = random.nextDouble();
            int count = a < 0.15 ? 1 : a < 0.30 ? 1 : a < 0.36 ? 2 : 0;
            for (int k = 0; k < count; k++) {
                boolean cancel = a < 0.15 || (count == 2 && k == 1);
                long at = (long) (random.nextDouble() * (Math.max(due, 0) + 1_500));
                actions.add(new Action(at, cancel, movedTo(due, dueAfterScheduling(random))));
            }
            actions.sort((x, y) -> Long.compare(x.atMs(), y.atMs()));
            boolean throttled = f < 0.08 && putBackEndsInTime(i * 1000L / PER_SECOND + lastDueMs(due, actions));
            String failure = throttled ? THROTTLED : f < 0.16 ? DENIED : null;
            int failures = throttled ? 1 : failing;
            plans.add(new Plan("rnd-" + seed + "-" + i, due, failure, failures, actions, random.nextDouble() < 0.10,
                    random.nextDouble() < 0.05, random.nextDouble() < 0.05));
        }
        return plans;
    }

    /**
     * When the last requests' jobs are due at the latest, in ms after the run's first request, unless rescheduled (a few
     * jobs moved late in the run are due up to about 20 s after this).
     */
    static final long LAST_DUE_MS = JOBS * 1000L / PER_SECOND + (HORIZON_SECONDS + SPREAD_SECONDS) * 1000L;

    /**
     * Whether a job due {@code dueMs} after the run's first request, if throttled, is back from its put-back
     * ({@link JobRunner#TRANSIENT_RETRY}, 30 s) before {@link #LAST_DUE_MS}: a throttle drawn for a job due later than
     * that becomes a failing attempt instead, so the run does not wait 30 s more for a few jobs (it took 25-30 s longer).
     */
    static boolean putBackEndsInTime(long dueMs) {
        return dueMs + JobRunner.TRANSIENT_RETRY.toMillis() <= LAST_DUE_MS;
    }

    /** When a job is last due after being scheduled: its last reschedule's new due time, else its first. */
    static long lastDueMs(long dueMs, List<Action> actions) {
        long last = Math.max(dueMs, 0);
        for (Action action : actions) {
            if (!action.cancel()) {
                last = action.atMs() + action.newDueMs();
            }
        }
        return last;
    }

    /**
     * A reschedule's new due time: as drawn, except that a job due around the horizon is moved to the near half, not
     * around the horizon again (a job moved from beyond the horizon to beyond it again would double the test's length;
     * {@link HandOverAgainIT} moves one so, after its hand-over, and sees a later sweep hand it over again).
     */
    static long movedTo(long dueMs, long drawnMs) {
        return dueMs >= AROUND_THE_HORIZON_MS && drawnMs >= AROUND_THE_HORIZON_MS ? drawnMs - AROUND_THE_HORIZON_MS : drawnMs;
    }

    /** Which half of the due times {@code dueMs} after scheduling is in: "near", or "around the horizon". */
    static String side(long dueMs) {
        return dueMs >= AROUND_THE_HORIZON_MS ? "around the horizon" : "near";
    }

    /** Milliseconds from scheduling to due: 1 s .. 2 × SPREAD, or as far on either side of the horizon. */
    private static long dueAfterScheduling(Random random) {
        long spreadMs = SPREAD_SECONDS * 1000L;
        long near = 1_000 + (long) (random.nextDouble() * (2 * spreadMs - 1_000));
        return random.nextBoolean() ? near : near + AROUND_THE_HORIZON_MS;
    }

    @Test
    void everyJobNotCancelledRunsOnceNeverEarlyAtItsLastDueTimeAndNoCancelledJobRuns() throws Exception {
        System.out.println("RandomizedJobsIT: seed " + SEED + " (-Dlapse.random.seed=" + SEED + " repeats this run), " + JOBS + " jobs");
        LocalRuntime runtime = ((LocalRuntimeEnvironment) env).runtime();
        LocalFunction schedule = runtime.function("ScheduleJobFunction");
        List<Plan> plans = plans(SEED, JOBS);
        plans.forEach(p -> expected.put(p.jobId(), new Expected(p)));
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
        runtime.bus().observe(event -> afterRun(event, clock, runtime));
        try {
            for (int i = 0; i < plans.size(); i++) {
                Expected job = expected.get(plans.get(i).jobId());
                pending.incrementAndGet();
                clock.schedule(() -> guarded(job, () -> scheduleJob(job, schedule, clock, runtime)), i * 1000L / PER_SECOND, TimeUnit.MILLISECONDS);
            }
            // A job's last run is at most this long after it was scheduled (a throttled run is put back for 30 s); the
            // deadline follows the last job actually scheduled, which a loaded machine schedules later than planned.
            long afterScheduling = 2L * (HORIZON_SECONDS + SPREAD_SECONDS) * 1000 + 3_000 + 60_000;
            long planned = System.currentTimeMillis() + JOBS * 1000L / PER_SECOND + afterScheduling;
            while (System.currentTimeMillis() < Math.max(planned, lastScheduledMs.get() + afterScheduling)
                    && (pending.get() > 0 || !allRan())) {
                Thread.sleep(500);
            }
            Scenarios.sleep(3_000); // a second run would show up here
        } finally {
            clock.shutdownNow();
        }
        List<String> wrong = new ArrayList<>(errors);
        Map<String, List<JsonNode>> runs = runsByJob();
        expected.values().forEach(job -> check(job, runs.getOrDefault(job.plan.jobId(), List.of())).ifPresent(wrong::add));
        Map<String, Long> exercised = exercised();
        System.out.println("RandomizedJobsIT: seed " + SEED + ": " + exercised + "; runs by trigger " + env.lapseEvents().stream()
                .filter(e -> "Job Due".equals(e.path("detail-type").asText()) && expected.containsKey(e.path("detail").path("jobId").asText()))
                .collect(java.util.stream.Collectors.groupingBy(e -> e.path("detail").path("trigger").asText(), java.util.stream.Collectors.counting())));
        assertThat(exercised).as("what this run exercised (seed " + SEED + ")").allSatisfy((what, n) -> assertThat(n).as(what).isPositive());
        // Jobs last written beyond the horizon, without failures (a retry or a put-back is sent to the queue by the runner)
        // or a message the test sends itself, reach the queue only through the sweep; without it they would all run via
        // TTL, 2 s late. A run under load can still miss the queue's moment and be taken by TTL (a few of 3,000 jobs have),
        // so: at least 9 in 10 of them via the queue.
        List<JsonNode> beyond = expected.values().stream().filter(RandomizedJobsIT::onlyTheSweepHandsOver)
                .flatMap(j -> runs.getOrDefault(j.plan.jobId(), List.of()).stream()).toList();
        assertThat(beyond.stream().filter(e -> "due-jobs-queue".equals(e.path("detail").path("trigger").asText())).count() * 10)
                .as("runs of jobs last written beyond the horizon via the queue, x 10, against all their runs").isGreaterThanOrEqualTo(9L * beyond.size());
        assertThat(expected.values().stream().flatMap(j -> j.log.stream())).as("no job moved from around the horizon to around it again")
                .noneMatch(l -> l.equals("moved around the horizon to around the horizon"));
        assertThat(wrong).as("seed " + SEED + " (-Dlapse.random.seed=" + SEED + "): " + wrong.size() + " job(s) wrong, first 30:\n"
                + String.join("\n", wrong.subList(0, Math.min(30, wrong.size())))).isEmpty();
    }

    private void guarded(Expected job, Runnable step) {
        try {
            synchronized (job) {
                step.run();
            }
        } catch (RuntimeException | AssertionError e) {
            errors.add(job.plan.jobId() + ": " + e + " " + job.log);
        } finally {
            pending.decrementAndGet();
        }
    }

    private void scheduleJob(Expected job, LocalFunction schedule, ScheduledExecutorService clock, LocalRuntime runtime) {
        Plan plan = job.plan;
        if (plan.failure() != null) {
            env.faults().orElseThrow().failEntries(e -> "Job Due".equals(e.path("detail-type").asText())
                    && plan.jobId().equals(e.path("detail").path("jobId").asText()), plan.failures(), plan.failure());
        }
        Instant now = Instant.now();
        lastScheduledMs.accumulateAndGet(now.toEpochMilli(), Math::max);
        ObjectNode detail = Json.object().put("jobId", plan.jobId()).put("jobType", TYPE).put("dueAt", now.plusMillis(plan.dueMs()).toString());
        detail.set("retry", Json.object().put("maxAttempts", 4).put("baseDelaySeconds", 1).put("maxDelaySeconds", 2));
        JsonNode answer = request(schedule, "Schedule Job", detail, job);
        if (!"SCHEDULED".equals(answer.path("outcome").asText())) {
            throw new IllegalStateException("not scheduled: " + answer);
        }
        take(job, answer);
        job.beyondHorizon = plan.dueMs() > BEYOND_HORIZON_MS;
        if (plan.duplicateAtOnce()) {
            sendAgain(runtime, job.plan.jobId(), job.occurrenceId, job.due, job);
        }
        for (Action action : plan.actions()) {
            pending.incrementAndGet();
            clock.schedule(() -> guarded(job, () -> act(job, action, schedule)), action.atMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void act(Expected job, Action action, LocalFunction schedule) {
        ObjectNode detail = Json.object().put("jobId", job.plan.jobId());
        if (action.cancel()) {
            JsonNode answer = request(schedule, "Cancel Job", detail, job);
            if ("CANCELLED".equals(answer.path("outcome").asText())) {
                job.cancelled = true;
            }
        } else {
            detail.put("dueAt", Instant.now().plusMillis(action.newDueMs()).toString());
            JsonNode answer = request(schedule, "Reschedule Job", detail, job);
            if ("RESCHEDULED".equals(answer.path("outcome").asText())) {
                take(job, answer);
                job.beyondHorizon = action.newDueMs() > BEYOND_HORIZON_MS;
                job.log.add("moved " + side(job.plan.dueMs()) + " to " + side(action.newDueMs()));
            }
        }
    }

    private static void take(Expected job, JsonNode answer) {
        job.due = Instant.parse(answer.path("job").path("dueAt").asText());
        job.occurrenceId = answer.path("job").path("occurrenceId").asText();
    }

    private static JsonNode request(LocalFunction schedule, String detailType, ObjectNode detail, Expected job) {
        String sent = Json.write(Json.object().put("detail-type", detailType).set("detail", detail));
        String answer;
        try {
            answer = schedule.invoke(sent);
        } catch (Exception e) {
            throw new IllegalStateException(detailType + " failed: " + e, e);
        }
        JsonNode read = Json.read(answer);
        job.log.add(Instant.now() + " " + detailType + " " + Json.write(detail) + " -> " + read.path("outcome").asText(read.path("error").toString())
                + " " + read.path("job").path("occurrenceId").asText(""));
        return read;
    }

    /** The same due-jobs queue message as the scheduler sent (SQS delivers at least once). */
    private void sendAgain(LocalRuntime runtime, String jobId, String occurrenceId, Instant due, Expected job) {
        String body = new DueJobsQueue.Message(jobId, occurrenceId, due).body();
        env.sqs().sendMessage(r -> r.queueUrl(runtime.queueUrl("DueJobsQueue")).messageBody(body)
                .delaySeconds(SqsDueJobsQueue.delaySeconds(due, Instant.now())));
        job.log.add(Instant.now() + " due-jobs message sent again for " + occurrenceId);
    }

    /** After a job's run: its queue message again, or its TTL stream record again, a second later. */
    private void afterRun(JsonNode event, ScheduledExecutorService clock, LocalRuntime runtime) {
        JsonNode detail = event.path("detail");
        Expected job = expected.get(detail.path("jobId").asText());
        if (job == null || !"Job Due".equals(event.path("detail-type").asText())) {
            return;
        }
        job.log.add(Instant.now() + " Job Due " + detail.path("occurrenceId").asText() + " attempt " + detail.path("attempt").asInt()
                + " via " + detail.path("trigger").asText());
        String occurrence = detail.path("occurrenceId").asText();
        Instant due = Instant.parse(detail.path("dueAt").asText());
        if (job.plan.duplicateAfterRun() || job.plan.recordAfterRun()) {
            pending.incrementAndGet();
            clock.schedule(() -> guarded(job, () -> {
                if (job.plan.duplicateAfterRun()) {
                    sendAgain(runtime, job.plan.jobId(), occurrence, due, job);
                }
                if (job.plan.recordAfterRun()) {
                    redeliverRecord(runtime, job, occurrence);
                }
            }), 1, TimeUnit.SECONDS);
        }
    }

    private static void redeliverRecord(LocalRuntime runtime, Expected job, String occurrenceId) {
        ObjectNode record = ScenarioRecords.ttlRemove(job.plan.jobId(), TYPE, Json.object(), occurrenceId);
        try {
            String answer = runtime.function("RunExpiredJobsFunction").invoke(Json.write(record));
            job.log.add(Instant.now() + " TTL record delivered again for " + occurrenceId + " -> " + answer);
        } catch (Exception e) {
            throw new IllegalStateException("redelivering the TTL record failed: " + e, e);
        }
    }

    /** How many times the run did each thing it is meant to exercise, from the jobs' histories. */
    private Map<String, Long> exercised() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String what : List.of("-> CANCELLED", "-> RESCHEDULED", "moved near to around the horizon", "moved around the horizon to near",
                "moved near to near", "message sent again", "TTL record delivered again")) {
            out.put(what, expected.values().stream().flatMap(j -> j.log.stream()).filter(l -> l.contains(what)).count());
        }
        Map<String, List<JsonNode>> runs = runsByJob();
        out.put("last written beyond the horizon, ran via the queue", expected.values().stream()
                .filter(RandomizedJobsIT::onlyTheSweepHandsOver).flatMap(j -> runs.getOrDefault(j.plan.jobId(), List.of()).stream())
                .filter(e -> "due-jobs-queue".equals(e.path("detail").path("trigger").asText())).count());
        out.put("runs after a failed attempt", env.lapseEvents().stream().filter(e -> "Job Due".equals(e.path("detail-type").asText())
                && e.path("detail").path("attempt").asInt() > 1).count());
        out.put("runs put back after a throttled PutEvents", expected.values().stream().filter(j -> THROTTLED.equals(j.plan.failure()))
                .flatMap(j -> runs.getOrDefault(j.plan.jobId(), List.of()).stream()).filter(e -> !e.path("detail").path("dueAt").asText()
                        .equals(String.valueOf(expected.get(e.path("detail").path("jobId").asText()).due))).count());
        return out;
    }

    private boolean allRan() {
        Map<String, List<JsonNode>> runs = runsByJob();
        return expected.values().stream().allMatch(job -> {
            synchronized (job) {
                return job.cancelled || job.occurrenceId == null || runs.containsKey(job.plan.jobId());
            }
        });
    }

    /** Not cancelled, last written beyond the horizon, no failure planned, no queue message of the test's own at once. */
    private static boolean onlyTheSweepHandsOver(Expected job) {
        return job.beyondHorizon && !job.cancelled && job.plan.failure() == null && !job.plan.duplicateAtOnce();
    }

    /**
     * The Job Due events by job id, from one copy of the events: looking up each of thousands of jobs in a copy of its
     * own ({@link Scenarios#jobDue}) took more CPU than the runs themselves, twice a second.
     */
    private Map<String, List<JsonNode>> runsByJob() {
        return env.lapseEvents().stream().filter(e -> "Job Due".equals(e.path("detail-type").asText()))
                .collect(java.util.stream.Collectors.groupingBy(e -> e.path("detail").path("jobId").asText()));
    }

    private java.util.Optional<String> check(Expected job, List<JsonNode> runs) {
        List<String> problems = new ArrayList<>();
        if (job.cancelled && !runs.isEmpty()) {
            problems.add("cancelled, yet ran " + runs.size() + " time(s)");
        }
        if (!job.cancelled && runs.size() != 1) {
            problems.add("not cancelled, ran " + runs.size() + " time(s)");
        }
        for (JsonNode run : runs) {
            JsonNode d = run.path("detail");
            Instant fired = Instant.parse(d.path("firedAt").asText());
            if (!job.cancelled && !d.path("occurrenceId").asText().equals(job.occurrenceId)) {
                problems.add("ran occurrence " + d.path("occurrenceId").asText() + ", not its last one " + job.occurrenceId);
            }
            if (job.due != null && fired.isBefore(job.due)) {
                problems.add("early: fired " + fired + " before its due time " + job.due);
            }
            // a first attempt runs at its last due time, unless a throttled run put it back for later (same attempt)
            Instant ranFor = Instant.parse(d.path("dueAt").asText());
            boolean putBack = THROTTLED.equals(job.plan.failure()) || d.path("attempt").asInt() > 1;
            if (job.due != null && (putBack ? ranFor.isBefore(job.due) : !ranFor.equals(job.due))) {
                problems.add("ran for due time " + ranFor + ", not its last one " + job.due);
            }
        }
        if (job.occurrenceId != null) {
            String state = ledgerState(job.occurrenceId);
            if (!job.cancelled && !"DONE".equals(state)) {
                problems.add("ledger state " + state + ", not DONE");
            }
            if (job.cancelled && "DONE".equals(state)) {
                problems.add("cancelled, yet the ledger has its run DONE");
            }
        }
        return problems.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(job.plan + ": " + String.join("; ", problems) + "; history " + job.log);
    }

    private String ledgerState(String occurrenceId) {
        var item = env.dynamo().getItem(r -> r.tableName(env.executionsTable()).consistentRead(true)
                .key(Map.of("occurrenceId", AttributeValue.fromS(occurrenceId)))).item();
        return item == null || !item.containsKey("state") ? "NONE" : item.get("state").s();
    }
}
