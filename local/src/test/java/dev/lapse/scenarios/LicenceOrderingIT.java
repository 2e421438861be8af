package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Issue 8, item 1: the order of "Subscription Cancelled" and "Subscription Reactivated" for one
 * licence, end to end on the local runtime through the AWS SDK. EventBridge times have whole
 * seconds and its deliveries run concurrently, so both orders are sent in one PutEvents call (the
 * same second) many times, with a paid period short enough that a lost reactivation would be
 * deactivated while the test watches.
 */
class LicenceOrderingIT extends ScenarioSuite {
    private static final int TRIALS = 30;

    /** The EventBridge time of each request event put on the bus, by licence and detail-type. */
    private final Map<String, String> eventTimes = new ConcurrentHashMap<>();

    @Override
    protected LapseEnvironment createEnvironment() {
        LocalRuntimeEnvironment local = new LocalRuntimeEnvironment(true, Map.of());
        local.runtime().bus().observe(event -> {
            String licence = event.path("detail").path("licenceId").asText("");
            if (!licence.isEmpty() && event.path("detail-type").asText().startsWith("Subscription")) {
                eventTimes.put(licence + "/" + event.path("detail-type").asText(), event.path("time").asText());
            }
        });
        return local;
    }

    private static PutEventsRequestEntry entry(String detailType, ObjectNode detail) {
        return PutEventsRequestEntry.builder().source("com.example.subscriptions").detailType(detailType)
                .detail(Json.write(detail)).eventBusName("default").build();
    }

    private static ObjectNode cancelled(String licence, Instant paidUntil) {
        return Json.object().put("licenceId", licence).put("paidUntil", paidUntil.toString());
    }

    private static ObjectNode reactivated(String licence) {
        return Json.object().put("licenceId", licence);
    }

    private void putTogether(PutEventsRequestEntry... entries) {
        var response = env.events().putEvents(r -> r.entries(entries));
        assertThat(response.failedEntryCount()).as("PutEvents failed entries").isZero();
    }

    /** Waits until well inside a second, so the entries of one PutEvents call get the same EventBridge time. */
    private static void startOfASecond() {
        while (Instant.now().getNano() > 600_000_000) {
            Scenarios.sleep(20);
        }
    }

    /** Waits until a job due when the last deactivation was due has run: every deactivation has had its chance. */
    private void awaitDeactivationsHadTheirChance(Instant lastPaidUntil) {
        String canary = unique("canary");
        steps.schedule(canary, "test.canary", lastPaidUntil, Json.object());
        await("canary " + canary + " ran", env.expiryBound().plus(Duration.ofSeconds(20)), () -> !steps.jobDue(canary).isEmpty());
        Scenarios.sleep(env.settleTime().toMillis() * 2);
    }

    private void assertActiveWithNoJob(List<String> licences, String what) {
        List<String> wrong = new ArrayList<>();
        for (String licence : licences) {
            String status = steps.licenceStatus(licence);
            boolean job = steps.job("licence-deactivate:" + licence).isPresent();
            if (!status.equals("ACTIVE") || job) {
                wrong.add(licence + ": " + status + (job ? " with a pending deactivation job" : " with no job"));
            }
        }
        assertThat(wrong).as(what + ": licences whose reactivation was lost").isEmpty();
    }

    @Test
    void cancelledThenReactivatedInOnePutEventsStaysActiveInEveryTrialWhicheverOrder() {
        List<String> licences = new ArrayList<>();
        Instant lastPaidUntil = Instant.now();
        for (int trial = 0; trial < TRIALS; trial++) {
            for (boolean cancelFirst : new boolean[] {true, false}) {
                String licence = unique(cancelFirst ? "LIC-cr" : "LIC-rc");
                licences.add(licence);
                startOfASecond();
                lastPaidUntil = Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS);
                PutEventsRequestEntry cancel = entry("Subscription Cancelled", cancelled(licence, lastPaidUntil));
                PutEventsRequestEntry reactivate = entry("Subscription Reactivated", reactivated(licence));
                if (cancelFirst) {
                    putTogether(cancel, reactivate);
                } else {
                    putTogether(reactivate, cancel);
                }
            }
        }
        for (String licence : licences) {
            await("both events of " + licence + " delivered", env.requestBound(), () -> eventTimes.containsKey(licence + "/Subscription Cancelled")
                    && eventTimes.containsKey(licence + "/Subscription Reactivated"));
            assertThat(eventTimes.get(licence + "/Subscription Cancelled")).as("the premise: both events of " + licence + " in one second")
                    .isEqualTo(eventTimes.get(licence + "/Subscription Reactivated"));
        }

        awaitDeactivationsHadTheirChance(lastPaidUntil);

        assertActiveWithNoJob(licences, TRIALS + " trials of each order");
    }

    @Test
    void aDirectCancellationFollowedByAnEventReactivationAFifthOfASecondLaterStaysActive() {
        List<String> licences = new ArrayList<>();
        Instant lastPaidUntil = Instant.now();
        for (int trial = 0; trial < 10; trial++) {
            String licence = unique("LIC-direct");
            licences.add(licence);
            lastPaidUntil = Instant.now().plusMillis(2000).truncatedTo(ChronoUnit.MILLIS);
            JsonNode answer = steps.invoke("ScheduleJobFunction", Json.write(Json.object()
                    .put("detail-type", "Subscription Cancelled").set("detail", cancelled(licence, lastPaidUntil))));
            assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("SCHEDULED");
            Scenarios.sleep(200);
            putTogether(entry("Subscription Reactivated", reactivated(licence)));
        }
        for (String licence : licences) {
            await("reactivation of " + licence + " applied", env.requestBound(), () -> steps.licenceStatus(licence).equals("ACTIVE"));
        }

        awaitDeactivationsHadTheirChance(lastPaidUntil);

        assertActiveWithNoJob(licences, "direct cancellation, event reactivation 0.2 s later");
    }

    @Test
    void occurredAtAndVersionOrderEventsWithinOneSecond() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        Instant lastPaidUntil = Instant.now();
        for (int trial = 0; trial < 5; trial++) {
            startOfASecond();
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            lastPaidUntil = t.plusMillis(1500);
            String cancelLater = unique("LIC-cancel-later");
            String reactivateLater = unique("LIC-reactivate-later");
            String cancelNewerVersion = unique("LIC-cancel-v3");
            putTogether(
                    entry("Subscription Reactivated", reactivated(cancelLater).put("occurredAt", t.plusMillis(5).toString())),
                    entry("Subscription Cancelled", cancelled(cancelLater, lastPaidUntil).put("occurredAt", t.plusMillis(10).toString())),
                    entry("Subscription Cancelled", cancelled(reactivateLater, lastPaidUntil).put("occurredAt", t.plusMillis(5).toString())),
                    entry("Subscription Reactivated", reactivated(reactivateLater).put("occurredAt", t.plusMillis(10).toString())),
                    entry("Subscription Reactivated", reactivated(cancelNewerVersion).put("version", 2)),
                    entry("Subscription Cancelled", cancelled(cancelNewerVersion, lastPaidUntil).put("version", 3)));
            expected.put(cancelLater, "DEACTIVATED");
            expected.put(reactivateLater, "ACTIVE");
            expected.put(cancelNewerVersion, "DEACTIVATED");
        }

        awaitDeactivationsHadTheirChance(lastPaidUntil);

        Map<String, String> actual = new java.util.LinkedHashMap<>();
        expected.keySet().forEach(licence -> actual.put(licence, steps.licenceStatus(licence)));
        assertThat(actual).isEqualTo(expected);
        expected.keySet().forEach(licence -> assertThat(steps.job("licence-deactivate:" + licence)).as(licence).isEmpty());
    }

    @Test
    void concurrentEventsNeverLeaveTheLicenceAndItsDeactivationJobOutOfStep() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            List<String> wrong = new ArrayList<>();
            for (int trial = 0; trial < TRIALS; trial++) {
                String licence = unique("LIC-race");
                Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                boolean cancelWins = trial % 2 == 0;
                Instant paidUntil = t.plus(Duration.ofHours(1));
                String cancel = Json.write(Json.object().put("detail-type", "Subscription Cancelled").set("detail",
                        cancelled(licence, paidUntil).put("occurredAt", t.plusMillis(cancelWins ? 2 : 1).toString())));
                String reactivate = Json.write(Json.object().put("detail-type", "Subscription Reactivated").set("detail",
                        reactivated(licence).put("occurredAt", t.plusMillis(cancelWins ? 1 : 2).toString())));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<JsonNode> a = senders.submit(() -> {
                    start.await();
                    return steps.invoke("ScheduleJobFunction", cancel);
                });
                Future<JsonNode> b = senders.submit(() -> {
                    start.await();
                    return steps.invoke("ScheduleJobFunction", reactivate);
                });
                assertThat(a.get().path("ok").asBoolean()).as(a.get().toString()).isTrue();
                assertThat(b.get().path("ok").asBoolean()).as(b.get().toString()).isTrue();

                String status = steps.licenceStatus(licence);
                var job = steps.job("licence-deactivate:" + licence);
                String state = status + (job.isPresent() ? " with job due " + job.get().get("dueAt").s() : " with no job");
                String wanted = cancelWins ? "CANCELLED with job due " + paidUntil : "ACTIVE with no job";
                if (!state.equals(wanted)) {
                    wrong.add(licence + ": " + state + ", expected " + wanted + " (answers " + a.get().path("outcome") + ", "
                            + b.get().path("outcome") + ")");
                }
            }
            assertThat(wrong).as("licences out of step with their deactivation job").isEmpty();
        } finally {
            senders.shutdownNow();
        }
    }
}
