package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * "List Jobs" pages through 1,000 pending jobs by due window: each exactly once, in due order, with queries of the
 * listing index only (the functions' DynamoDB calls are counted: no Scan), and refuses hostile input.
 */
class ListJobsIT {
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    static LocalRuntime runtime;

    @BeforeAll
    static void start() {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String operation = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                CALLS.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            }
        };
        runtime = LocalRuntime.start(RuntimeOptions.defaults(Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize())
                .withoutTtl().withSchedules(false), counter);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static JsonNode invoke(ObjectNode request) {
        try {
            return Json.read(runtime.function("ScheduleJobFunction").invoke(Json.write(request)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode request(String type, ObjectNode detail) {
        ObjectNode request = Json.object().put("detail-type", type);
        request.set("detail", detail);
        return request;
    }

    @Test
    void thousandPendingJobsArePagedByDueWindowEachOnceInDueOrderWithoutAScan() {
        Instant base = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        List<String> inWindow = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            // 1,000 in the window, spread over two days (and a few sharing a due time), 100 after it
            Instant due = base.plusSeconds(i < 1_000 ? (i * 173L) % 172_800 : 200_000 + i);
            String jobId = "list-" + i;
            JsonNode answer = invoke(request("Schedule Job", Json.object().put("jobId", jobId).put("jobType", i % 2 == 0 ? "report.daily" : "invoice.remind")
                    .put("dueAt", due.toString())));
            assertThat(answer.path("ok").asBoolean()).as(answer.toString()).isTrue();
            if (i < 1_000) {
                inWindow.add(jobId);
            }
        }
        CALLS.clear();
        List<JsonNode> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ObjectNode detail = Json.object().put("state", "pending").put("limit", 100).put("dueFrom", base.toString())
                    .put("dueTo", base.plusSeconds(172_800).toString());
            if (token != null) {
                detail.put("nextToken", token);
            }
            JsonNode page = invoke(request("List Jobs", detail));
            assertThat(page.path("ok").asBoolean()).as(page.toString()).isTrue();
            assertThat(page.path("jobs").size()).isLessThanOrEqualTo(100);
            page.path("jobs").forEach(listed::add);
            token = page.path("nextToken").isNull() ? null : page.path("nextToken").asText();
            pages++;
        } while (token != null && pages < 50);

        assertThat(listed).extracting(j -> j.path("jobId").asText()).as("each pending job in the window, once")
                .hasSize(1_000).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(inWindow);
        List<Instant> dues = listed.stream().map(j -> Instant.parse(j.path("dueAt").asText())).toList();
        assertThat(dues).as("in due order").isSorted();
        assertThat(pages).isBetween(10, 11);
        assertThat(CALLS).as("DynamoDB calls while listing: %s", CALLS).doesNotContainKey("DynamoDb.Scan");
        assertThat(CALLS.get("DynamoDb.Query").get()).as("queries: the day's 16 shards per page and day").isLessThanOrEqualTo(pages * 3 * 16 * 2);
        System.out.printf("List Jobs: 1,000 jobs in %d pages, DynamoDB calls %s%n", pages, CALLS);

        JsonNode reports = invoke(request("List Jobs", Json.object().put("state", "pending").put("jobType", "report.daily").put("limit", 100)
                .put("dueFrom", base.toString()).put("dueTo", base.plusSeconds(172_800).toString())));
        assertThat(reports.path("jobs")).allSatisfy(j -> assertThat(j.path("jobType").asText()).isEqualTo("report.daily")).hasSize(100);
    }

    static String sample(String name) throws java.io.IOException {
        return java.nio.file.Files.readString(Path.of(System.getProperty("lapse.root", "..")).resolve("events").resolve(name));
    }

    @Test
    void theEventSamplesAreAnsweredAsTheReadmeSays() throws Exception {
        JsonNode scheduled = Json.read(runtime.function("ScheduleJobFunction").invoke(sample("direct-schedule-job.json")));
        assertThat(scheduled.path("ok").asBoolean()).as(scheduled.toString()).isTrue();
        JsonNode job = Json.read(runtime.function("ScheduleJobFunction").invoke(sample("get-job.json")));
        assertThat(job.path("job").path("state").asText()).as(job.toString()).isEqualTo("pending");
        assertThat(job.path("job").path("payload").path("accountId").asText()).isEqualTo("99");
        JsonNode pending = Json.read(runtime.function("ScheduleJobFunction").invoke(sample("list-jobs-pending.json")));
        assertThat(pending.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("trial-ends-99");
        JsonNode dead = Json.read(runtime.function("ScheduleJobFunction").invoke(sample("list-jobs-dead-lettered.json")));
        assertThat(dead.path("ok").asBoolean()).as(dead.toString()).isTrue();
        assertThat(dead.path("jobs")).isEmpty();
        assertThat(dead.path("nextToken").isNull()).isTrue();
    }

    @Test
    void hostileListRequestsAreRefusedNamingTheField() {
        Instant now = Instant.now();
        Map<String, ObjectNode> cases = Map.of(
                "detail.limit", Json.object().put("state", "pending").put("limit", 1_000_000),
                "detail.dueTo", Json.object().put("state", "pending").put("dueFrom", now.toString()).put("dueTo", now.minusSeconds(1).toString()),
                "detail.state", Json.object().put("state", "everything"),
                "detail.nextToken", Json.object().put("state", "pending").put("nextToken", "not-a-token!"),
                "detail.dueFrom", Json.object().put("state", "pending").put("dueFrom", "yesterday"),
                "detail.table", Json.object().put("state", "pending").put("table", "JobsTable"));
        cases.forEach((field, detail) -> {
            JsonNode answer = invoke(request("List Jobs", detail));
            assertThat(answer.path("ok").asBoolean()).as(field).isFalse();
            assertThat(answer.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(answer.path("error").path("field").asText()).as(answer.toString()).isEqualTo(field);
        });
        JsonNode wide = invoke(request("List Jobs", Json.object().put("state", "pending").put("dueFrom", now.toString())
                .put("dueTo", now.plus(400, ChronoUnit.DAYS).toString())));
        assertThat(wide.path("error").path("message").asText()).contains("31 days");
        String forged = java.util.Base64.getUrlEncoder().encodeToString("{\"state\":\"pending\",\"ms\":\"x\"}".getBytes());
        JsonNode forgedAnswer = invoke(request("List Jobs", Json.object().put("state", "pending").put("nextToken", forged)));
        assertThat(forgedAnswer.path("error").path("field").asText()).isEqualTo("detail.nextToken");
    }
}
