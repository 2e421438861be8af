package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.store.JobItems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The event a cold-start child of each function handles: the function's sample event from events/,
 * made valid now and unique to the run, with what it needs seeded in the runtime, and how to tell
 * from the child's answer (and the Job Due events seen on the runtime's bus) that it really ran.
 */
final class ColdStartCases {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    /** An event for a cold-start child, and how to tell from its answer that it really ran. */
    record Case(String eventJson, Predicate<String> verify) {
    }

    private final Path root;
    private final LocalRuntime runtime;
    private final BenchJobs seen;

    ColdStartCases(Path root, LocalRuntime runtime, BenchJobs seen) {
        this.root = root;
        this.runtime = runtime;
        this.seen = seen;
    }

    /** The case of {@code logicalId}'s {@code run}-th child, or null for a function the bench has no sample event for. */
    Case forFunction(String logicalId, int run) throws IOException {
        String suffix = "-cold-" + run;
        Instant now = Instant.now();
        return switch (logicalId) {
            case "ScheduleJobFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("direct-schedule-job.json");
                ObjectNode detail = (ObjectNode) event.get("detail");
                detail.put("jobId", detail.path("jobId").asText() + suffix);
                yield new Case(Json.write(event), answer -> answer.contains("\"ok\":true"));
            }
            case "RunExpiredJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("ttl-remove-record.json");
                Instant due = now.minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
                List<String> jobIds = new ArrayList<>();
                List<String> licences = new ArrayList<>();
                PaidLicenses paid = runtime.lapse(logicalId).licences();
                for (JsonNode r : event.withArray("Records")) {
                    ObjectNode record = (ObjectNode) r;
                    ObjectNode image = (ObjectNode) record.get("dynamodb").get("OldImage");
                    String jobId = image.path("jobId").path("S").asText() + suffix;
                    if (PaidLicenses.JOB_TYPE.equals(image.path("jobType").path("S").asText())) {
                        String licenceId = Json.read(image.path("payload").path("S").asText()).path(PaidLicenses.KEY).asText() + suffix;
                        cancelled(runtime.lapse(logicalId).settings().licencesTable(), licenceId, due);
                        licences.add(licenceId);
                        jobId = PaidLicenses.jobIdFor(licenceId);
                        image.set("payload", attribute(Json.write(Json.object().put(PaidLicenses.KEY, licenceId))));
                    } else {
                        jobIds.add(jobId);
                    }
                    record.put("eventID", UUID.randomUUID().toString().replace("-", ""));
                    ((ObjectNode) record.get("dynamodb")).put("ApproximateCreationDateTime", now.getEpochSecond());
                    ((ObjectNode) record.get("dynamodb").get("Keys")).set("jobId", attribute(jobId));
                    image.set("jobId", attribute(jobId));
                    image.set("occurrenceId", attribute(UUID.randomUUID().toString()));
                    image.set("dueAt", attribute(due.toString()));
                    image.set("dueSpec", attribute(due.toString()));
                    image.set("dueEpochMs", Json.object().put("N", Long.toString(due.toEpochMilli())));
                    image.set("dueMinute", attribute(MINUTE.format(due)));
                    image.set("ttl", Json.object().put("N", Long.toString(due.getEpochSecond())));
                }
                yield new Case(Json.write(event), answer -> Json.read(answer).path("batchItemFailures").isEmpty()
                        && jobIds.stream().allMatch(id -> "ttl".equals(seen.trigger(id)))
                        && licences.stream().allMatch(id -> paid.status(id).equals(Optional.of(PaidLicenses.Status.DEACTIVATED))));
            }
            case "RunDueJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("due-jobs-message.json");
                ObjectNode record = (ObjectNode) event.withArray("Records").get(0);
                JsonNode body = Json.read(record.path("body").asText());
                String jobId = body.path("jobId").asText() + suffix;
                Instant due = now.minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
                Job job = new Job(jobId, "bench.cold-start", "{}", due, due.toString(), UUID.randomUUID().toString(), 1,
                        Optional.empty(), List.of(), now.minusSeconds(60), "bench");
                // Seeded with its TTL an hour away, so DynamoDB Local's own TTL sweeper cannot take it before the child does.
                Map<String, AttributeValue> item = new LinkedHashMap<>(JobItems.toItem(job));
                item.put(JobItems.TTL, AttributeValue.fromN(Long.toString(now.plus(Duration.ofHours(1)).getEpochSecond())));
                runtime.dynamo().putItem(r -> r.tableName(runtime.tableName("JobsTable")).item(item));
                record.put("messageId", UUID.randomUUID().toString());
                record.put("body", Json.write(Json.object().put("jobId", jobId).put("occurrenceId", job.occurrenceId()).put("dueAt", due.toString())));
                ObjectNode attributes = (ObjectNode) record.get("attributes");
                attributes.put("SentTimestamp", Long.toString(now.toEpochMilli() - 1000));
                attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(now.toEpochMilli()));
                yield new Case(Json.write(event), answer -> Json.read(answer).path("batchItemFailures").isEmpty()
                        && "due-jobs-queue".equals(seen.trigger(jobId)));
            }
            case "RunRecurringJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("scheduled-daily-report.json");
                event.put("scheduledTime", now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(10L + run).toString());
                yield new Case(Json.write(event), answer -> {
                    String jobId = Json.read(answer).path("jobId").asText();
                    return "RAN".equals(Json.read(answer).path("outcome").asText()) && "schedule".equals(seen.trigger(jobId));
                });
            }
            case "ReplayDeadLettersFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("replay-dead-letters.json");
                String jobId = event.path("jobId").asText() + suffix;
                event.put("jobId", jobId);
                Job job = new Job(jobId, "bench.replay", "{}", now.minusSeconds(60), now.minusSeconds(60).toString(),
                        UUID.randomUUID().toString(), 3, Optional.empty(), List.of(new Job.AttemptError(3, now, "bench")),
                        now.minusSeconds(120), "bench");
                runtime.lapse(logicalId).deadLetters().send(job, "seeded by the bench", now);
                yield new Case(Json.write(event), answer -> Json.read(answer).path("replayed").toString().contains(jobId));
            }
            case "SweepDueJobsFunction" -> {
                // The schedule's firing; the sweep answers its report (the index is empty or holds the other cases' jobs).
                // On a stack a sweep ran a minute before, in another container, and left its mark: so does the runtime here.
                runtime.lapse(logicalId).sweep().orElseThrow().sweep();
                ObjectNode event = Json.object().put("scheduledTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
                yield new Case(Json.write(event), answer -> {
                    JsonNode report = Json.read(answer);
                    Bench.step("  its " + (run % ColdStarts.UNTIMED_RUN < ColdStarts.WARM_RUN ? "first" : "second, warm,")
                            + (run >= ColdStarts.UNTIMED_RUN ? " untimed" : "") + " event read " + report.path("buckets").asInt()
                            + " buckets of the due-time index"
                            + " (the whole window at a quarter hour or without a usable mark)");
                    return report.path("found").isInt() && report.path("notSent").asInt(-1) == 0 && report.path("notMarked").asInt(-1) == 0;
                });
            }
            default -> null;
        };
    }

    /**
     * A fixture: the licence as a "Subscription Cancelled" paid until {@code paidUntil} leaves it, so that
     * the child's deactivation has a licence to deactivate. Written to the table directly, because the
     * request path would also schedule the deactivation, which the runtime would then run before the child.
     */
    private void cancelled(String licencesTable, String licenceId, Instant paidUntil) {
        runtime.dynamo().putItem(r -> r.tableName(licencesTable).item(Map.of(PaidLicenses.KEY, AttributeValue.fromS(licenceId),
                "status", AttributeValue.fromS(PaidLicenses.Status.CANCELLED.name()), "paidUntil", AttributeValue.fromS(paidUntil.toString()),
                "paidUntilEpoch", AttributeValue.fromN(Long.toString(paidUntil.getEpochSecond())))));
    }

    private JsonNode readEvent(String name) throws IOException {
        return Json.read(Files.readString(root.resolve("events").resolve(name)));
    }

    private static ObjectNode attribute(String s) {
        return Json.object().put("S", s);
    }
}
