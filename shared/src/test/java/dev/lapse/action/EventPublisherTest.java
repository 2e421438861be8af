package dev.lapse.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.json.Json;
import dev.lapse.run.PartialBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

class EventPublisherTest {
    /** A bus answering each entry on its own: the entries whose detail names a job in {@code failing} fail with their code. */
    static class Bus implements EventBridgeClient {
        final List<List<PutEventsRequestEntry>> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> failing = new ConcurrentHashMap<>();

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            calls.add(request.entries());
            List<PutEventsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutEventsRequestEntry e : request.entries()) {
                String code = failing.get(Json.read(e.detail()).path("jobId").asText());
                if (code == null) {
                    results.add(PutEventsResultEntry.builder().eventId("ev-" + Json.read(e.detail()).path("jobId").asText()).build());
                } else {
                    failed++;
                    results.add(PutEventsResultEntry.builder().errorCode(code).errorMessage("no").build());
                }
            }
            return PutEventsResponse.builder().failedEntryCount(failed).entries(results).build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {
        }
    }

    final Bus bus = new Bus();
    final EventPublisher publisher = new EventPublisher(bus, "lapse-bus");
    final Map<String, String> eventIds = new ConcurrentHashMap<>();

    List<String> jobs(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("job-" + i);
        }
        return ids;
    }

    List<String> publishBatch(List<String> jobIds) {
        return PartialBatch.failedIds(jobIds, id -> id, id -> eventIds.put(id,
                publisher.publish(EventPublisher.JOB_DUE, Json.object().put("jobId", id))));
    }

    @Test
    void bigEventsOfABatchShareCallsOnlyAsFarAsEventBridgesSizeLimitAllows() {
        String blob = "x".repeat(65_000); // a payload near Lapse's 64 KB limit
        List<String> failed = PartialBatch.failedIds(jobs(10), id -> id, id -> eventIds.put(id,
                publisher.publish(EventPublisher.JOB_DUE, Json.object().put("jobId", id).put("blob", blob))));

        assertThat(failed).as("every job's event published").isEmpty();
        assertThat(eventIds).hasSize(10).containsEntry("job-10", "ev-job-10");
        assertThat(bus.calls).as("four entries of about 65 KB a call (256 KB): 10 entries in 3 calls").extracting(List::size).containsExactly(4, 4, 2);
        assertThat(bus.calls).allSatisfy(call -> assertThat(call.stream().mapToLong(EventPublisher::entrySize).sum())
                .isLessThanOrEqualTo(EventPublisher.MAX_REQUEST_BYTES));
    }

    @Test
    void anEntrysSizeIsCountedAsEventBridgeCountsIt() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder().source("lapse").detailType("Job Due").detail("{\"a\":\"é\"}")
                .resources("arn:x").eventBusName("not counted").build();
        assertThat(EventPublisher.entrySize(entry)).isEqualTo(5 + 7 + 10 + 5);
        assertThat(EventPublisher.entrySize(entry.toBuilder().time(java.time.Instant.EPOCH).build())).isEqualTo(5 + 7 + 10 + 5 + 14);
    }

    @Test
    void theJobsOfABatchShareOnePutEventsCallPerTenEntries() {
        assertThat(publishBatch(jobs(25))).isEmpty();
        assertThat(bus.calls).extracting(List::size).containsExactly(10, 10, 5);
        assertThat(eventIds).hasSize(25).containsEntry("job-7", "ev-job-7");
        assertThat(bus.calls.get(0)).allSatisfy(e -> {
            assertThat(e.eventBusName()).isEqualTo("lapse-bus");
            assertThat(e.source()).isEqualTo(EventPublisher.SOURCE);
            assertThat(e.detailType()).isEqualTo(EventPublisher.JOB_DUE);
        });
    }

    @Test
    void aFailedEntryIsATransientFailureOfItsJobAlone() {
        bus.failing.put("job-3", "ThrottlingException");
        bus.failing.put("job-8", "InternalFailure");
        assertThat(publishBatch(jobs(10))).containsExactly("job-3", "job-8");
        assertThat(bus.calls).hasSize(1);
        assertThat(eventIds).hasSize(8).doesNotContainKeys("job-3", "job-8");
        assertThatThrownBy(() -> publisher.publish(EventPublisher.JOB_DUE, Json.object().put("jobId", "job-3")))
                .isInstanceOf(TransientFailureException.class).hasMessageContaining("ThrottlingException");
    }

    @Test
    void anEntryTheBusRejectsIsAFailureThatIsNotTransient() {
        bus.failing.put("job-1", "MalformedDetail");
        assertThatThrownBy(() -> publisher.publish(EventPublisher.JOB_DUE, Json.object().put("jobId", "job-1")))
                .isNotInstanceOf(TransientFailureException.class).hasMessageContaining("MalformedDetail")
                .hasMessageContaining("lapse-bus");
    }

    @Test
    void outsideABatchAnEventIsSentAlone() {
        assertThat(publisher.publish(EventPublisher.JOB_FAILED, Json.object().put("jobId", "job-9"))).isEqualTo("ev-job-9");
        assertThat(bus.calls).hasSize(1);
        assertThat(bus.calls.get(0)).singleElement().extracting(PutEventsRequestEntry::detailType).isEqualTo(EventPublisher.JOB_FAILED);
    }

    @Test
    void aCallThatFailsAsAWholeFailsEveryJobInIt() {
        EventPublisher down = new EventPublisher(new Bus() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                calls.add(request.entries());
                throw new TransientFailureException("bus down");
            }
        }, "lapse-bus");
        List<String> failed = PartialBatch.failedIds(jobs(12), id -> id, id -> down.publish(EventPublisher.JOB_DUE,
                Json.object().put("jobId", id)));
        assertThat(failed).hasSize(12);
    }
}
