package dev.lapse.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.List;

/**
 * Why a request was refused, as Lapse's functions answer it: {@code {"ok": false, "error": {...}}}.
 * An {@code INVALID_REQUEST} names the field, the problem and what is accepted; a conflict
 * ({@code JOB_CONFLICT}, {@code JOB_NOT_PENDING}, {@code JOB_IS_RECURRING}, {@code JOB_NOT_RECURRING}, {@code JOB_CONTENDED},
 * {@code LICENCE_DEACTIVATED}) names the job and the fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"code", "field", "problem", "accepted", "jobId", "fields", "message"})
public record RequestError(String code, String field, String problem, String accepted, String jobId, List<String> fields,
                           String message) {
    public static final String INVALID_REQUEST = "INVALID_REQUEST";

    public static RequestError invalid(InvalidRequestException e) {
        return new RequestError(INVALID_REQUEST, e.field(), e.problem(), e.accepted(), null, null, e.getMessage());
    }

    /** A request that is not even JSON, told in the parser's own words. */
    public static RequestError unreadable(String message) {
        return new RequestError(INVALID_REQUEST, "(request)", null, null, null, null, message);
    }

    /** A conflict names its first field; without one, the licence (a licence's conflict) or the job id. */
    public static RequestError conflict(JobConflictException e) {
        String field = !e.fields().isEmpty() ? e.fields().get(0) : e.code().startsWith("LICENCE") ? "detail.licenceId" : "detail.jobId";
        return new RequestError(e.code(), field, null, null, e.jobId(), e.fields().isEmpty() ? List.of(field) : e.fields(),
                e.getMessage());
    }

    /** The whole answer: {@code {"ok": false, "error": this}}. */
    public ObjectNode answer() {
        ObjectNode answer = Json.object().put("ok", false);
        answer.set("error", Json.MAPPER.valueToTree(this));
        return answer;
    }
}
