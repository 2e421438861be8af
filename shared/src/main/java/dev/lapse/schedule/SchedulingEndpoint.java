package dev.lapse.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.inspect.History;
import dev.lapse.inspect.JobQueries;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.JobConflictException;
import dev.lapse.job.Job;
import dev.lapse.job.JobJson;
import java.util.List;
import dev.lapse.job.RequestError;
import dev.lapse.json.Json;
import dev.lapse.observe.EmfMetrics;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling function's contract: a request in (EventBridge event or direct invocation), a
 * JSON answer out. A refused request is answered with {@code {"ok": false, "error": {...}}} and,
 * when it came from EventBridge (whose sender cannot read the answer), also published as a
 * "Job Rejected" event so it is never silently dropped. Infrastructure errors are thrown, so
 * Lambda retries the invocation.
 */
public final class SchedulingEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingEndpoint.class);

    private final RequestParser parser;
    private final JobScheduler scheduler;
    private final EventPublisher publisher;
    private final Optional<JobQueries> queries;
    private final Optional<History> history;
    private final EmfMetrics metrics; // null: not counted (tests)
    private final Duration ttlGrace;

    public SchedulingEndpoint(RequestParser parser, JobScheduler scheduler, EventPublisher publisher) {
        this(parser, scheduler, publisher, Optional.empty(), Optional.empty(), null, Duration.ZERO);
    }

    /**
     * With "Get Job" / "List Jobs" answered by {@code queries}, and cancellations kept in {@code history}; {@code ttlGrace}
     * is the store's (a job's {@code ttl} in the answer is the one its item was written with).
     */
    public SchedulingEndpoint(RequestParser parser, JobScheduler scheduler, EventPublisher publisher, Optional<JobQueries> queries,
                              Optional<History> history, EmfMetrics metrics, Duration ttlGrace) {
        this.parser = parser;
        this.scheduler = scheduler;
        this.publisher = publisher;
        this.queries = queries;
        this.history = history;
        this.metrics = metrics;
        this.ttlGrace = ttlGrace;
    }

    /** The answer: {@code {"ok": true, "outcome": ..., "job": ...}} or {@code {"ok": false, "error": ...}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"ok", "outcome", "job", "nextRuns", "error"})
    record Answer(boolean ok, String outcome, JobJson.Shown job, List<String> nextRuns, RequestError error) {
        static Answer of(JobScheduler.Result result, Duration ttlGrace) {
            return new Answer(true, result.outcome().name(), result.job().map(job -> JobJson.shown(job, ttlGrace)).orElse(null),
                    result.outcome() == JobScheduler.Outcome.CANCELLED ? null : result.job().flatMap(Answer::nextRuns).orElse(null), null);
        }

        /** An active recurring job's next five fire times. */
        private static Optional<List<String>> nextRuns(Job job) {
            return job.isSeries() && !job.isDormant() ? Optional.of(job.nextRuns(5)) : Optional.empty();
        }
    }

    /** The detail of a "Job Rejected" event: the error and the request as it was sent. */
    record Rejection(RequestError error, JsonNode request) {
    }

    /**
     * Handles the raw bytes of an invocation. Bytes that are not UTF-8 are refused rather than decoded
     * into replacement characters, which would silently change the request.
     */
    public ObjectNode handle(byte[] input) {
        String text;
        try {
            text = Json.utf8(input);
        } catch (CharacterCodingException e) {
            return refuse(RequestError.invalid(new InvalidRequestException("(request)", "is not valid UTF-8",
                    "a JSON object encoded in UTF-8")), null, false);
        }
        return handle(text);
    }

    public ObjectNode handle(String input) {
        JsonNode tree = readLeniently(input);
        boolean fromEventBridge = tree != null && tree.isObject() && tree.hasNonNull("source") && tree.hasNonNull("id");
        try {
            if (tree != null && JobQueries.handles(tree.path("detail-type").asText())) {
                RequestJson.read(input); // the same strict reading as every request (duplicate keys, depth, size)
                return queries.orElseThrow(() -> new InvalidRequestException("detail-type", "is \"" + tree.path("detail-type").asText()
                        + "\" but this deployment keeps no job history (JOB_HISTORY_TABLE is not set)", "a template.yaml deployment")).answer(tree);
            }
            JobRequest request = parser.parse(input);
            JobScheduler.Result result = scheduler.handle(request);
            if (result.outcome() == JobScheduler.Outcome.CANCELLED && history.isPresent() && result.job().isPresent()) {
                var job = result.job().get();
                try {
                    history.get().cancelled(job.jobId(), job.type(), job.occurrenceId(), job.dueAt(),
                            request instanceof JobRequest.CancelJob cancel ? cancel.requestedBy() : request.getClass().getSimpleName());
                } catch (RuntimeException e) {
                    LOG.warn("job {} cancelled, but its history record could not be written: {}", job.jobId(), e.toString());
                }
            }
            if (metrics != null && result.outcome() == JobScheduler.Outcome.SCHEDULED) {
                metrics.request(true);
            }
            return Json.MAPPER.valueToTree(Answer.of(result, ttlGrace));
        } catch (InvalidRequestException e) {
            return refuse(RequestError.invalid(e), tree, fromEventBridge);
        } catch (JobConflictException e) {
            return refuse(RequestError.conflict(e), tree, fromEventBridge);
        }
    }

    /**
     * The request as a tree, only to tell whether EventBridge sent it and to quote it in "Job Rejected";
     * read without the duplicate-key check so a request refused for a duplicate key is still reported there.
     */
    private static JsonNode readLeniently(String input) {
        try {
            return Json.ALLOWING_DUPLICATE_KEYS.readTree(input == null ? "" : input);
        } catch (Exception e) {
            return null;
        }
    }

    private ObjectNode refuse(RequestError error, JsonNode request, boolean fromEventBridge) {
        LOG.warn("request refused: {}", error.message());
        if (metrics != null) {
            metrics.request(false);
        }
        if (fromEventBridge && EventPublisher.SOURCE.equals(request.path("source").asText())) {
            // Lapse's own event (a Job Rejected, say) sent back here by a rule: answering it with another would loop
            LOG.warn("the refused request is Lapse's own {} event, so no Job Rejected is published for it: a rule sends Lapse's"
                    + " events to the scheduling function (Lapse's own rule matches every source but \"{}\")",
                    request.path("detail-type").asText(), EventPublisher.SOURCE);
        } else if (fromEventBridge) {
            publisher.publish(EventPublisher.JOB_REJECTED, Json.MAPPER.valueToTree(new Rejection(error, request)));
        }
        return error.answer();
    }
}
