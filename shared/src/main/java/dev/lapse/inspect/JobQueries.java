package dev.lapse.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * "Get Job" and "List Jobs", by direct invocation of the scheduling function: a job's state and story, and pages of
 * pending jobs (in due order, by due window and job type) or of dead letters, with opaque next tokens.
 */
public final class JobQueries {
    public static final String GET = "Get Job";
    public static final String LIST = "List Jobs";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    static final int HISTORY_LIMIT = 100;
    /** The widest due window of one List Jobs request (its days' shards are queried: at most 32 x 16 queries a page). */
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    static final Duration DEFAULT_LOOKBACK = Duration.ofDays(1);

    private final Function<String, Optional<Job>> jobs;
    private final Listing pending;
    private final History history;
    private final Clock clock;

    /** Over the pending jobs ({@code jobs}: a pending job by its id), their listing and the history. */
    public JobQueries(Function<String, Optional<Job>> jobs, Listing pending, History history, Clock clock) {
        this.jobs = jobs;
        this.pending = pending;
        this.history = history;
        this.clock = clock;
    }

    public static boolean handles(String detailType) {
        return GET.equals(detailType) || LIST.equals(detailType);
    }

    /** The answer to a Get Job or List Jobs request; bad input is an {@link InvalidRequestException} naming the field. */
    public ObjectNode answer(JsonNode request) {
        JsonNode detail = request.path("detail");
        if (!detail.isObject()) {
            throw new InvalidRequestException("detail", "is " + Json.kind(detail), "a JSON object");
        }
        return GET.equals(request.path("detail-type").asText()) ? get(detail) : list(detail);
    }

    private ObjectNode get(JsonNode detail) {
        allowOnly(detail, Set.of("jobId"));
        String jobId = text(detail, "jobId", "the id of a job");
        Optional<Job> job = jobs.apply(jobId);
        List<History.Entry> story = history.of(jobId, HISTORY_LIMIT);
        if (job.isEmpty() && story.isEmpty()) {
            throw new InvalidRequestException("detail.jobId", "is \"" + jobId + "\", which is neither pending nor in the history"
                    + " (kept for its retention)", "the id of a pending job or of one that ran, failed or was cancelled recently");
        }
        ObjectNode shown = Json.object().put("jobId", jobId);
        if (job.isPresent()) {
            Job j = job.get();
            String state = j.isDormant() ? j.series().get().state().name().toLowerCase(java.util.Locale.ROOT) // paused, cancelled
                    : j.attempt() > 1 ? "retrying" : "pending";
            // a cancelled recurring job is kept until its retention ends, which is not a due time
            shown.put("jobType", j.type()).put("state", state).put("dueAt", j.isCancelledSeries() ? null : j.dueAt().toString())
                    .put("occurrenceId", j.occurrenceId()).put("attempt", j.attempt());
            shown.set("payload", Json.read(j.payload()));
            j.series().ifPresent(series -> shown.set("series", Json.MAPPER.valueToTree(dev.lapse.job.JobJson.SeriesJson.of(series))));
            List<String> nextRuns = j.nextRuns(5);
            if (!nextRuns.isEmpty()) {
                shown.set("nextRuns", Json.MAPPER.valueToTree(nextRuns));
            }
        } else {
            History.Entry last = story.get(0);
            shown.put("jobType", last.jobType()).put("state", switch (last.outcome()) {
                case "RAN" -> "done";
                case "DEAD_LETTERED" -> "dead-lettered";
                case "CANCELLED" -> "cancelled";
                default -> "running"; // re-armed for a retry and taken again: its next record is being written
            });
        }
        ObjectNode answer = Json.object().put("ok", true);
        answer.set("job", shown);
        ArrayNode lines = answer.putArray("history");
        for (History.Entry e : story) {
            ObjectNode line = lines.addObject().put("occurrenceId", e.occurrenceId()).put("attempt", e.attempt())
                    .put("dueAt", e.dueAt().toString()).put("firedAt", e.firedAt().toString()).put("latenessMs", e.latenessMs())
                    .put("trigger", e.trigger()).put("outcome", e.outcome());
            line.put("error", e.outcome().equals("RAN") || e.outcome().equals("CANCELLED") ? null : e.detail());
        }
        return answer;
    }

    private ObjectNode list(JsonNode detail) {
        allowOnly(detail, Set.of("state", "jobType", "dueFrom", "dueTo", "limit", "nextToken"));
        String state = text(detail, "state", "\"pending\" or \"dead-lettered\"");
        int limit = limit(detail);
        Optional<String> type = detail.has("jobType") ? Optional.of(text(detail, "jobType", "a job type such as report.daily")) : Optional.empty();
        ObjectNode query = Json.object().put("state", state);
        ObjectNode answer = Json.object().put("ok", true);
        ArrayNode listed = answer.putArray("jobs");
        switch (state) {
            case "pending" -> {
                // without dueFrom, a next page keeps the window of the first (its default start moves with the clock)
                Instant from = detail.has("dueFrom") ? instant(detail, "dueFrom")
                        : tokenFrom(detail).orElseGet(() -> clock.instant().minus(DEFAULT_LOOKBACK));
                Instant to = detail.has("dueTo") ? instant(detail, "dueTo") : from.plus(MAX_WINDOW);
                if (to.isBefore(from)) {
                    throw new InvalidRequestException("detail.dueTo", "is " + to + ", before dueFrom " + from, "an instant at or after dueFrom");
                }
                if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
                    throw new InvalidRequestException("detail.dueTo", "is " + Duration.between(from, to).toDays() + " days after dueFrom",
                            "a window of at most " + MAX_WINDOW.toDays() + " days (page through longer spans window by window)");
                }
                query.put("from", from.toString()).put("to", to.toString()).put("jobType", type.orElse(null));
                Optional<Listing.Cursor> after = token(detail, query).map(t -> new Listing.Cursor(t.path("ms").asLong(), t.path("id").asText()));
                Listing.Page page = pending.page(from, to, type, limit, after);
                page.jobs().forEach(j -> {
                    ObjectNode line = listed.addObject().put("jobId", j.jobId()).put("jobType", j.jobType())
                            .put("state", j.attempt() > 1 ? "retrying" : "pending").put("dueAt", j.dueAt().toString())
                            .put("occurrenceId", j.occurrenceId()).put("attempt", j.attempt());
                    if (j.series() != null) {
                        line.set("series", Json.read(j.series())); // a recurring job: its recurrence and this occurrence's sequence
                    }
                });
                answer.put("nextToken", page.next().map(c -> encode(query.deepCopy().put("ms", c.dueEpochMs()).put("id", c.jobId()))).orElse(null));
            }
            case "dead-lettered" -> {
                if (detail.has("dueFrom") || detail.has("dueTo")) {
                    throw new InvalidRequestException(detail.has("dueFrom") ? "detail.dueFrom" : "detail.dueTo", "is given for dead letters",
                            "a due window only with state \"pending\"; dead letters are listed newest first");
                }
                query.put("jobType", type.orElse(null));
                Optional<History.Position> after = token(detail, query).map(t -> new History.Position(t.path("id").asText(), t.path("at").asText()));
                List<History.DeadLetter> page = history.deadLetters(limit, after);
                page.stream().map(History.DeadLetter::entry).filter(e -> type.map(t -> t.equals(e.jobType())).orElse(true)).forEach(e -> listed.addObject()
                        .put("jobId", e.jobId()).put("jobType", e.jobType()).put("state", "dead-lettered")
                        .put("dueAt", e.dueAt().toString()).put("deadLetteredAt", e.firedAt().toString())
                        .put("occurrenceId", e.occurrenceId()).put("attempt", e.attempt()).put("reason", e.detail()));
                History.Position last = page.isEmpty() ? null : page.get(page.size() - 1).position();
                answer.put("nextToken", page.size() < limit ? null : encode(query.deepCopy().put("id", last.jobId()).put("at", last.at())));
            }
            default -> throw new InvalidRequestException("detail.state", "is \"" + state + "\"", "\"pending\" or \"dead-lettered\"");
        }
        return answer;
    }

    /** The next token's position, if the request has one; a token of another query, or not Lapse's, is refused. */
    private static Optional<JsonNode> token(JsonNode detail, ObjectNode query) {
        if (!detail.has("nextToken") || detail.get("nextToken").isNull()) {
            return Optional.empty();
        }
        String accepted = "the nextToken of the previous answer to this same query (same state, window and jobType)";
        JsonNode token;
        try {
            token = Json.read(new String(Base64.getUrlDecoder().decode(text(detail, "nextToken", accepted)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            token = null; // not Base64, or Base64 of something that is not JSON
        }
        if (token == null || !token.isObject()) {
            throw new InvalidRequestException("detail.nextToken", "is not a token Lapse gave", accepted);
        }
        for (Iterator<String> names = query.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!query.get(name).equals(token.path(name).isMissingNode() ? null : token.get(name))) {
                throw new InvalidRequestException("detail.nextToken", "belongs to another query (its " + name + " differs)", accepted);
            }
        }
        boolean pending = "pending".equals(query.path("state").asText());
        if (pending ? !token.path("ms").isIntegralNumber() || !token.path("id").isTextual()
                : !token.path("at").isTextual() || !token.path("id").isTextual()) {
            throw new InvalidRequestException("detail.nextToken", "is not a token Lapse gave", accepted);
        }
        return Optional.of(token);
    }

    /** The start of the window a request's next token was given for, if it has a token that names one (checked later). */
    private static Optional<Instant> tokenFrom(JsonNode detail) {
        JsonNode given = detail.get("nextToken");
        if (given == null || !given.isTextual()) {
            return Optional.empty();
        }
        try {
            JsonNode token = Json.read(new String(Base64.getUrlDecoder().decode(given.asText()), StandardCharsets.UTF_8));
            return token.path("from").isTextual() ? Optional.of(Instant.parse(token.path("from").asText())) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // not a token Lapse gave: token() refuses it
        }
    }

    private static String encode(ObjectNode token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(token).getBytes(StandardCharsets.UTF_8));
    }

    private static int limit(JsonNode detail) {
        if (!detail.has("limit")) {
            return DEFAULT_LIMIT;
        }
        JsonNode limit = detail.get("limit");
        if (!limit.isIntegralNumber() || limit.asLong() < 1 || limit.asLong() > MAX_LIMIT) {
            throw new InvalidRequestException("detail.limit", "is " + limit, "a whole number from 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")");
        }
        return limit.asInt();
    }

    private static Instant instant(JsonNode detail, String field) {
        String text = text(detail, field, "an ISO-8601 instant with offset, such as 2026-12-01T09:00:00Z");
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("detail." + field, "is \"" + text + "\", not an instant", "an ISO-8601 instant with offset, such as 2026-12-01T09:00:00Z");
        }
    }

    private static String text(JsonNode detail, String field, String accepted) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("detail." + field, value == null ? "is missing" : "is " + value, accepted);
        }
        return value.asText();
    }

    private static void allowOnly(JsonNode detail, Set<String> fields) {
        for (Iterator<String> names = detail.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new InvalidRequestException("detail." + name, "is not a field of this request", "only " + fields.stream().sorted().toList());
            }
        }
    }
}
