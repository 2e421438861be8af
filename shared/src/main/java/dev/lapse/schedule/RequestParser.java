package dev.lapse.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import dev.lapse.licence.SubscriptionOrder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON of an EventBridge event or of a direct invocation into a {@link JobRequest},
 * or refuses it with an {@link InvalidRequestException} naming the field and what is accepted.
 *
 * <p>Both shapes carry {@code "detail-type"} and {@code "detail"}; an EventBridge event also
 * carries {@code source} and {@code time}, which become the requester and the base of a relative delay.
 * Each concept's fields are read by their own class: {@link JobFields}, {@link DueTimes}, {@link RetryField},
 * {@link SubscriptionFields}; {@link RequestJson} reads the text and {@link Fields} says what is wrong.
 */
public final class RequestParser {
    /** What a job type name may be (also for the recurring jobs' own types). */
    static final Pattern TYPE = JobFields.TYPE;
    /** The detail-types of the requests this parser reads. */
    static final List<String> TYPES = List.of(JobRequest.SCHEDULE, JobRequest.CANCEL, JobRequest.RESCHEDULE,
            JobRequest.PAUSE, JobRequest.RESUME, JobRequest.SUBSCRIPTION_CANCELLED, JobRequest.SUBSCRIPTION_REACTIVATED);

    private final DueTimes dueTimes;
    private final SubscriptionFields subscriptions;
    private final RecurrenceField recurrences;

    public RequestParser(Clock clock) {
        this.dueTimes = new DueTimes(clock);
        this.recurrences = new RecurrenceField(clock);
        this.subscriptions = new SubscriptionFields(clock, dueTimes);
    }

    public JobRequest parse(String json) {
        return parse(RequestJson.read(json));
    }

    public JobRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("(request)", "is " + Json.kind(root), RequestJson.SHAPE);
        }
        RequestJson.refuseLoneSurrogates(root, "");
        String detailType = Fields.text(root, "detail-type", "detail-type", "one of " + TYPES);
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidRequestException("detail", detail == null ? "is missing" : "is " + Json.kind(detail), "a JSON object");
        }
        String requestedBy = root.hasNonNull("source") && root.get("source").isTextual() ? root.get("source").asText() : "direct";
        Instant base = dueTimes.eventTime(root);
        return switch (detailType) {
            case JobRequest.SCHEDULE -> {
                Fields.allowOnly(detail, "detail", Set.of("jobId", "jobType", "dueAt", "delay", "recurrence", "payload", "retry"));
                String jobId = JobFields.newJobId(detail);
                if (RecurrenceField.present(detail)) {
                    yield new JobRequest.ScheduleRecurringJob(jobId, JobFields.type(detail), JobFields.payload(detail),
                            recurrences.read(detail, base), RetryField.retry(detail), requestedBy);
                }
                yield new JobRequest.ScheduleJob(jobId, JobFields.type(detail), JobFields.payload(detail),
                        dueTimes.due(detail, base), RetryField.retry(detail), requestedBy);
            }
            case JobRequest.CANCEL -> {
                Fields.allowOnly(detail, "detail", Set.of("jobId"));
                yield new JobRequest.CancelJob(JobFields.existingJobId(detail), requestedBy);
            }
            case JobRequest.PAUSE, JobRequest.RESUME -> {
                Fields.allowOnly(detail, "detail", Set.of("jobId"));
                String jobId = JobFields.existingJobId(detail);
                yield detailType.equals(JobRequest.PAUSE) ? new JobRequest.PauseJob(jobId, requestedBy) : new JobRequest.ResumeJob(jobId, requestedBy);
            }
            case JobRequest.RESCHEDULE -> {
                Fields.allowOnly(detail, "detail", Set.of("jobId", "dueAt", "delay", "recurrence"));
                if (RecurrenceField.present(detail)) {
                    yield new JobRequest.ChangeRecurrence(JobFields.existingJobId(detail), recurrences.read(detail, base), requestedBy);
                }
                yield new JobRequest.RescheduleJob(JobFields.existingJobId(detail), dueTimes.due(detail, base), requestedBy);
            }
            case JobRequest.SUBSCRIPTION_CANCELLED -> {
                Fields.allowOnly(detail, "detail", Set.of("licenceId", "paidUntil", "occurredAt", "version"));
                String licenceId = SubscriptionFields.licenceId(detail);
                Instant paidUntil = dueTimes.paidUntil(detail);
                yield new JobRequest.SubscriptionCancelled(licenceId, paidUntil,
                        subscriptions.order(root, detail, SubscriptionOrder.Intent.CANCEL), requestedBy);
            }
            case JobRequest.SUBSCRIPTION_REACTIVATED -> {
                Fields.allowOnly(detail, "detail", Set.of("licenceId", "occurredAt", "version"));
                String licenceId = SubscriptionFields.licenceId(detail);
                yield new JobRequest.SubscriptionReactivated(licenceId,
                        subscriptions.order(root, detail, SubscriptionOrder.Intent.REACTIVATE), requestedBy);
            }
            default -> throw new InvalidRequestException("detail-type", "is \"" + Fields.printable(detailType) + "\"", "one of " + TYPES);
        };
    }
}
