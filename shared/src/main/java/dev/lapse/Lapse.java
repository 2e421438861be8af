package dev.lapse;

import dev.lapse.action.EventPublisher;
import dev.lapse.action.JobAction;
import dev.lapse.action.JobDueAction;
import dev.lapse.inspect.History;
import dev.lapse.inspect.JobHistory;
import dev.lapse.inspect.JobQueries;
import dev.lapse.inspect.PendingListing;
import dev.lapse.licence.LicenceDeactivation;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.observe.EmfMetrics;
import dev.lapse.run.AttemptObserver;
import dev.lapse.run.DeadLetters;
import dev.lapse.run.SqsDueJobsQueue;
import dev.lapse.run.DueJobMessages;
import dev.lapse.run.ExpiredJobs;
import dev.lapse.run.JobRunner;
import dev.lapse.run.PartialBatch;
import dev.lapse.run.Replayer;
import dev.lapse.run.RetryPolicies;
import dev.lapse.schedule.JobScheduler;
import dev.lapse.schedule.RecurringJobs;
import dev.lapse.schedule.RequestParser;
import dev.lapse.schedule.SchedulingEndpoint;
import dev.lapse.store.DueIndex;
import dev.lapse.store.DynamoSweepMarks;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobStore;
import dev.lapse.store.StoredJobs;
import dev.lapse.sweep.DueJobsSweep;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root: wires Lapse's services from AWS clients and settings. Lambda handlers build
 * one per container with {@link #fromEnvironment()}; tests and the local runtime pass their own.
 */
public final class Lapse {

    /** Settings, read from the functions' environment variables (see template.yaml). */
    public record Settings(String jobsTable, String executionsTable, String licencesTable, String eventBus,
                           String deadLetterQueueUrl, Optional<String> dueJobsQueueUrl, Optional<String> streamFailureQueueUrl,
                           Optional<String> dueJobsRedriveQueueUrl,
                           RetryPolicies retryPolicies,
                           Duration lease, Duration ledgerRetention, Duration reconcileGrace,
                           boolean requireTtlIdentity, Duration preciseHorizon, Optional<String> jobHistoryTable) {

        public static Settings fromEnvironment(Map<String, String> env) {
            return new Settings(
                    required(env, "JOBS_TABLE"),
                    required(env, "EXECUTIONS_TABLE"),
                    required(env, "LICENCES_TABLE"),
                    env.getOrDefault("EVENT_BUS_NAME", "default"),
                    required(env, "DEAD_LETTER_QUEUE_URL"),
                    Optional.ofNullable(env.get("DUE_JOBS_QUEUE_URL")).filter(s -> !s.isBlank()),
                    Optional.ofNullable(env.get("STREAM_FAILURE_QUEUE_URL")).filter(s -> !s.isBlank()),
                    Optional.ofNullable(env.get("DUE_JOBS_REDRIVE_QUEUE_URL")).filter(s -> !s.isBlank()),
                    RetryPolicies.parse(env.get("RETRY_POLICIES"), dev.lapse.schedule.RetryField::policy),
                    Duration.ofSeconds(Long.parseLong(env.getOrDefault("LEASE_SECONDS", "120"))),
                    Duration.ofDays(Long.parseLong(env.getOrDefault("LEDGER_RETENTION_DAYS", "7"))),
                    Duration.ofMinutes(Long.parseLong(env.getOrDefault("RECONCILE_GRACE_MINUTES", "60"))),
                    !"false".equalsIgnoreCase(env.getOrDefault("REQUIRE_TTL_IDENTITY", "true")),
                    preciseHorizon(env.getOrDefault("PRECISE_HORIZON_SECONDS", "900"), SqsDueJobsQueue.minHorizon(env.get("SWEEP_PERIOD_SECONDS"))),
                    Optional.ofNullable(env.get("JOB_HISTORY_TABLE")).filter(s -> !s.isBlank()));
        }

        /** The template parameter PreciseHorizonSeconds: how far ahead jobs go to the due-jobs queue ({@code min} or more). */
        static Duration preciseHorizon(String seconds, Duration min) {
            long value;
            try {
                value = Long.parseLong(seconds.trim());
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (value < min.toSeconds() || value > SqsDueJobsQueue.MAX_DELAY.toSeconds()) {
                throw new IllegalStateException("environment variable PRECISE_HORIZON_SECONDS is \"" + seconds + "\"; accepted: an integer from "
                        + min.toSeconds() + " to " + SqsDueJobsQueue.MAX_DELAY.toSeconds() + " (template parameter PreciseHorizonSeconds)");
            }
            return Duration.ofSeconds(value);
        }

        private static String required(Map<String, String> env, String name) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("environment variable " + name + " is not set; template.yaml sets it for every function");
            }
            return value;
        }
    }

    /** The URL-connection client's {@code clientName()}. */
    static final String URL_CONNECTION = "UrlConnection";

    private final Settings settings;
    private final Clock clock;
    private final JobStore store;
    private final ExecutionLedger ledger;
    private final PaidLicenses licences;
    private final DeadLetters deadLetters;
    private final Optional<SqsDueJobsQueue> dueJobsQueue;
    private final JobRunner runner;
    private final DueJobMessages dueJobMessages;
    private final ExpiredJobs expiredJobs;
    private final Replayer replayer;
    private final SchedulingEndpoint endpoint;
    private final RecurringJobs recurring;
    private final Optional<DueJobsSweep> sweep;
    private final EmfMetrics metrics;
    private Priming priming;

    public Lapse(Settings settings, DynamoDbClient dynamo, EventBridgeClient events, SqsClient sqs, Clock clock) {
        this(settings, dynamo, events, sqs, null, clock);
    }

    public Lapse(Settings settings, DynamoDbClient dynamo, EventBridgeClient events, SqsClient sqs, DynamoDbStreamsClient streams,
                 Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.dueJobsQueue = settings.dueJobsQueueUrl().map(url -> new SqsDueJobsQueue(sqs, url, settings.preciseHorizon(), clock));
        // With a due-jobs queue, a job due beyond the horizon goes into the due-time index for the sweep, and every job's TTL
        // waits SqsDueJobsQueue.TTL_GRACE past its due time, so the safety net never races the queue; without one, TTL runs every job.
        Duration ttlGrace = dueJobsQueue.isPresent() ? SqsDueJobsQueue.TTL_GRACE : Duration.ZERO;
        this.store = new JobStore(dynamo, settings.jobsTable(), dueJobsQueue.isPresent()
                ? job -> job.dueAt().isAfter(clock.instant().plus(settings.preciseHorizon())) : job -> false, ttlGrace);
        this.ledger = new ExecutionLedger(dynamo, settings.executionsTable(), clock, settings.lease(), settings.ledgerRetention());
        this.licences = new PaidLicenses(dynamo, settings.licencesTable(), clock);
        EventPublisher publisher = new EventPublisher(events, settings.eventBus());
        this.deadLetters = new DeadLetters(sqs, settings.deadLetterQueueUrl());
        JobScheduler scheduler = new JobScheduler(store, ledger, licences, dueJobsQueue, clock);
        JobDueAction jobDue = new JobDueAction(publisher);
        LicenceDeactivation deactivation = new LicenceDeactivation(licences, ledger);
        Function<String, JobAction> actions = type -> PaidLicenses.JOB_TYPE.equals(type) ? deactivation : jobDue;
        StoredJobs jobs = new StoredJobs(store, ledger, dueJobsQueue, clock);
        Optional<History> history = settings.jobHistoryTable().map(t -> new JobHistory(dynamo, t, settings.ledgerRetention(), clock));
        // to standard output, read as each line is written (where Lambda's runtime has pointed it); none while
        // priming, whose sample runs are not real ones
        this.metrics = new EmfMetrics(clock, line -> {
            if (!Priming.active()) {
                System.out.println(line);
            }
        });
        List<AttemptObserver> observers = new java.util.ArrayList<>(List.of(metrics)); // told of every attempt the runner ends
        history.ifPresent(observers::add);
        this.runner = new JobRunner(jobs, ledger, actions, settings.retryPolicies(), deadLetters, publisher, clock,
                () -> ThreadLocalRandom.current().nextDouble(), AttemptObserver.all(observers));
        this.dueJobMessages = new DueJobMessages(jobs, ledger, runner, dueJobsQueue, clock);
        this.expiredJobs = new ExpiredJobs(runner, deadLetters, clock);
        RequestParser parser = new RequestParser(clock);
        this.replayer = new Replayer(sqs, Optional.ofNullable(streams), store, Optional.of(ledger), dueJobsQueue, clock, settings.deadLetterQueueUrl(),
                settings.streamFailureQueueUrl(), settings.dueJobsRedriveQueueUrl(), settings.requireTtlIdentity());
        history.ifPresent(h -> replayer.onReplayed(h::replayed));
        this.endpoint = new SchedulingEndpoint(parser, scheduler, publisher,
                history.map(h -> new JobQueries(store::get, new PendingListing(dynamo, settings.jobsTable()), h, clock)), history, metrics,
                ttlGrace);
        this.recurring = new RecurringJobs(licences, runner, settings.reconcileGrace(), clock);
        this.sweep = dueJobsQueue.map(queue -> new DueJobsSweep(new DueIndex(dynamo, settings.jobsTable()), queue, settings.preciseHorizon(), clock,
                new DynamoSweepMarks(dynamo, settings.executionsTable())));
    }

    /**
     * Builds everything from the Lambda environment, with the lightweight URL-connection HTTP client
     * behind the {@link Priming} transport, so that the handler can prime itself ({@link #primeOnInit}).
     */
    public static Lapse fromEnvironment() {
        return withClientBuiltAside(Optional.empty());
    }

    /**
     * {@link #fromEnvironment()} for the one function that reads DynamoDB streams (the replay), which builds that
     * client itself: a builder named here would keep the streams client in every function's shrunk jar.
     */
    public static Lapse fromEnvironment(Function<SdkHttpClient, DynamoDbStreamsClient> streams) {
        return withClientBuiltAside(Optional.of(streams));
    }

    /**
     * The URL-connection client, built on a thread of its own while the SDK clients are built ({@link BuiltAside}); that
     * thread then loads what reading and writing a job's JSON needs. A client that cannot be built fails init, as it did
     * when it was built in line.
     */
    private static Lapse withClientBuiltAside(Optional<Function<SdkHttpClient, DynamoDbStreamsClient>> streams) {
        BuiltAside http = BuiltAside.start(URL_CONNECTION, () -> UrlConnections.client(PartialBatch.CONCURRENCY), Priming::warmJson);
        Lapse lapse = fromEnvironment(System.getenv(), http, streams);
        http.awaitBuilt();
        return lapse;
    }

    /** {@link #fromEnvironment()} with the given environment and HTTP client (tests). */
    public static Lapse fromEnvironment(Map<String, String> env, SdkHttpClient httpClient) {
        return fromEnvironment(env, httpClient, Optional.empty());
    }

    /** As above, with a streams client built by {@code streams} on its first call. */
    public static Lapse fromEnvironment(Map<String, String> env, SdkHttpClient httpClient,
                                       Optional<Function<SdkHttpClient, DynamoDbStreamsClient>> streams) {
        Priming priming = new Priming(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
        var http = priming.transport(httpClient);
        Lapse lapse = new Lapse(Settings.fromEnvironment(env),
                DynamoDbClient.builder().httpClient(http).build(),
                OnFirstCall.proxy(EventBridgeClient.class, () -> EventBridgeClient.builder().httpClient(http).build()),
                OnFirstCall.proxy(SqsClient.class, () -> SqsClient.builder().httpClient(http).build()),
                streams.map(build -> OnFirstCall.proxy(DynamoDbStreamsClient.class, () -> build.apply(http))).orElse(null),
                Clock.systemUTC());
        lapse.priming = priming;
        return lapse;
    }

    /**
     * Cold-start priming for a handler built by {@link #fromEnvironment()}: runs {@code sample} (the
     * function's path on a sample event) with every AWS call answered in-process, now or, under SnapStart,
     * before the snapshot. Does nothing for a Lapse built from the caller's own clients (tests, the
     * local runtime), whose calls would be real.
     */
    public void primeOnInit(Runnable sample) {
        if (priming != null) {
            priming.onInit(sample);
        }
    }

    /** {@link #primeOnInit(Runnable)} with a function's own {@link PrimingSample}. */
    public void primeOnInit(PrimingSample sample) {
        primeOnInit(() -> sample.runOn(this));
    }

    /** The priming of a Lapse built by {@link #fromEnvironment()}; empty otherwise. */
    public Optional<Priming> priming() {
        return Optional.ofNullable(priming);
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public JobStore store() {
        return store;
    }

    public ExecutionLedger ledger() {
        return ledger;
    }

    public PaidLicenses licences() {
        return licences;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** The metrics every function emits (embedded metric format); the local runtime redirects them. */
    public EmfMetrics metrics() {
        return metrics;
    }

    public JobRunner runner() {
        return runner;
    }

    public DueJobMessages dueJobMessages() {
        return dueJobMessages;
    }

    public ExpiredJobs expiredJobs() {
        return expiredJobs;
    }

    public SchedulingEndpoint endpoint() {
        return endpoint;
    }

    public Replayer replayer() {
        return replayer;
    }

    public RecurringJobs recurring() {
        return recurring;
    }

    /** The sweep of the due-time index; empty when there is no due-jobs queue (PreciseDelivery disabled). */
    public Optional<DueJobsSweep> sweep() {
        return sweep;
    }

}
