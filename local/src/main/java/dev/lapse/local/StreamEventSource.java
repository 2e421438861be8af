package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.event.ruler.Machine;

/**
 * A DynamoDB stream event source mapping: polls every shard of the table's stream, converts each
 * record to the Lambda shape, applies the template's FilterCriteria with event-ruler, and invokes
 * the function in batches with Lambda's stream semantics: partial batch failures retry from the
 * first failed record, a function error bisects the batch (when enabled), and a batch that
 * exhausts MaximumRetryAttempts is reported to the on-failure destination and skipped. With a
 * ParallelizationFactor, up to that many batches of a shard run at once, the records of one item key
 * (partition key) always in one lane, in order.
 */
final class StreamEventSource {
    private static final Logger LOG = LoggerFactory.getLogger("stream");
    /** After a round that read nothing (Lambda reads a stream's shards "at a base rate of 4 times per second"). */
    static final Duration IDLE_PAUSE = Duration.ofMillis(250);

    record Config(String name, LocalFunction function, String streamArn,
                  int batchSize, boolean bisect, int maxRetries, Optional<String> onFailureQueueUrl,
                  List<String> filterPatterns, boolean reportBatchItemFailures, int parallelization) {
    }

    private final Config config;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String region;
    private final Machine filter = new Machine();
    /** Whether the patterns name no field of {@code dynamodb}, so a record is matched without building its images. */
    private final boolean matchWithoutImages;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Map<String, String> lastSequence = new LinkedHashMap<>();
    private long lastDescribe;
    private final ExecutorService lanes = Executors.newCachedThreadPool(LocalRuntime.daemon("lapse-stream-lane"));

    StreamEventSource(Config config, DynamoDbStreamsClient streams, SqsClient sqs, String region) {
        this.config = config;
        this.streams = streams;
        this.sqs = sqs;
        this.region = region;
        int i = 0;
        for (String pattern : config.filterPatterns()) {
            addFilter(filter, config.name(), i++, pattern);
        }
        this.matchWithoutImages = filterFields(config.filterPatterns()).map(fields -> !fields.contains("dynamodb")).orElse(false);
    }

    /**
     * The top-level fields the filter patterns name; empty when one is not a JSON object of plain fields (an
     * {@code $or}), so every field may count. Matching only looks at the fields a pattern names.
     */
    static Optional<Set<String>> filterFields(List<String> patterns) {
        Set<String> fields = new HashSet<>();
        for (String pattern : patterns) {
            JsonNode node = Json.read(pattern);
            if (!node.isObject()) {
                return Optional.empty();
            }
            for (var names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.startsWith("$")) {
                    return Optional.empty();
                }
                fields.add(name);
            }
        }
        return Optional.of(fields);
    }

    /**
     * The record in Lambda's shape if the filter lets it through. When the patterns name no field of
     * {@code dynamodb} (the template's: eventName and userIdentity) a record is matched on its shape without keys
     * and images first, and only the ones that pass are built whole: most records of a busy table are writes that
     * never pass.
     */
    Optional<ObjectNode> matching(Record record) {
        if (matchWithoutImages && !matches(StreamRecords.toLambdaShape(record, config.streamArn(), region, false))) {
            return Optional.empty();
        }
        ObjectNode lambdaRecord = StreamRecords.toLambdaShape(record, config.streamArn(), region);
        return matchWithoutImages || matches(lambdaRecord) ? Optional.of(lambdaRecord) : Optional.empty();
    }

    /** Adds filter {@code index} of an event source ({@code where}); a pattern event-ruler refuses is named. */
    static void addFilter(Machine filter, String where, int index, String pattern) {
        try {
            filter.addRule("filter-" + index, pattern);
        } catch (Exception e) {
            throw new TemplateException(where + ": property FilterCriteria.Filters[" + index
                    + "].Pattern is not a valid filter pattern: " + e.getMessage(), e);
        }
    }

    Config config() {
        return config;
    }

    /** One polling round over all shards; returns how many records were read. */
    int poll() {
        long now = System.currentTimeMillis();
        if (now - lastDescribe > 1000 || iterators.isEmpty()) {
            lastDescribe = now;
            streams.describeStream(r -> r.streamArn(config.streamArn())).streamDescription().shards().forEach(shard -> {
                if (known.add(shard.shardId())) {
                    iterators.put(shard.shardId(), streams.getShardIterator(r -> r.streamArn(config.streamArn())
                            .shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
                }
            });
        }
        int read = 0;
        for (String shardId : List.copyOf(iterators.keySet())) {
            String iterator = iterators.get(shardId);
            software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse response;
            try {
                response = streams.getRecords(r -> r.shardIterator(iterator).limit(1000));
            } catch (software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException
                     | software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException e) {
                // DynamoDB Local can invalidate an iterator taken on an empty shard: take a new one where we were.
                String last = lastSequence.get(shardId);
                iterators.put(shardId, streams.getShardIterator(r -> {
                    r.streamArn(config.streamArn()).shardId(shardId);
                    if (last == null) {
                        r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    } else {
                        r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(last);
                    }
                }).shardIterator());
                continue;
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId);
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
            List<ObjectNode> matched = new ArrayList<>();
            for (Record record : response.records()) {
                read++;
                lastSequence.put(shardId, record.dynamodb().sequenceNumber());
                matching(record).ifPresent(matched::add);
            }
            processInLanes(shardId, matched);
        }
        return read;
    }

    /** Runs a shard's records in batches, up to ParallelizationFactor lanes at once, one item key per lane. */
    private void processInLanes(String shardId, List<ObjectNode> matched) {
        int n = Math.max(1, config.parallelization());
        List<List<ObjectNode>> byLane = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byLane.add(new ArrayList<>());
        }
        for (ObjectNode record : matched) {
            byLane.get(Math.floorMod(record.path("dynamodb").path("Keys").toString().hashCode(), n)).add(record);
        }
        List<Callable<Void>> work = new ArrayList<>();
        for (List<ObjectNode> lane : byLane) {
            if (!lane.isEmpty()) {
                work.add(() -> {
                    for (int i = 0; i < lane.size(); i += config.batchSize()) {
                        process(shardId, lane.subList(i, Math.min(lane.size(), i + config.batchSize())), 0);
                    }
                    return null;
                });
            }
        }
        try {
            for (Future<Void> done : lanes.invokeAll(work)) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(config.name() + ": a lane failed", e.getCause());
        }
    }

    boolean matches(ObjectNode lambdaRecord) {
        if (config.filterPatterns().isEmpty()) {
            return true;
        }
        try {
            return !filter.rulesForJSONEvent(Json.write(lambdaRecord)).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private void process(String shardId, List<ObjectNode> batch, int retries) {
        List<ObjectNode> pending = batch;
        int attempt = retries;
        while (true) {
            ObjectNode event = Json.object();
            event.putArray("Records").addAll(pending);
            List<String> failed = new ArrayList<>();
            boolean functionError = false;
            try {
                String answer = config.function().invoke(Json.write(event));
                if (config.reportBatchItemFailures()) {
                    failed.addAll(LocalFunction.batchItemFailures(answer));
                }
            } catch (Exception e) {
                functionError = true;
                LOG.warn("{}: function error on a batch of {}: {}", config.name(), pending.size(), e.toString());
            }
            if (!functionError && failed.isEmpty()) {
                return;
            }
            if (functionError && config.bisect() && pending.size() > 1) {
                int half = pending.size() / 2;
                process(shardId, pending.subList(0, half), attempt + 1);
                process(shardId, pending.subList(half, pending.size()), attempt + 1);
                return;
            }
            if (!functionError) {
                int first = firstIndex(pending, failed);
                pending = pending.subList(first, pending.size());
            }
            attempt++;
            if (attempt > config.maxRetries()) {
                onFailure(shardId, pending, attempt);
                return;
            }
            LOG.info("{}: retrying {} record(s) from sequence {} (retry {}/{})", config.name(), pending.size(),
                    sequence(pending.get(0)), attempt, config.maxRetries());
            sleep(Math.min(1000, 50L * attempt));
        }
    }

    private static int firstIndex(List<ObjectNode> batch, List<String> failed) {
        for (int i = 0; i < batch.size(); i++) {
            if (failed.contains(sequence(batch.get(i)))) {
                return i;
            }
        }
        return 0; // an identifier Lambda does not recognise fails the whole batch
    }

    private void onFailure(String shardId, List<ObjectNode> batch, int attempts) {
        ObjectNode record = Json.object();
        record.putObject("requestContext").put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region + ":000000000000:function:" + config.function().name())
                .put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", attempts);
        record.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST").put("functionError", "Unhandled");
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        ObjectNode info = record.putObject("DDBStreamBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", sequence(batch.get(0)));
        info.put("endSequenceNumber", sequence(batch.get(batch.size() - 1)));
        info.put("approximateArrivalOfFirstRecord", Instant.ofEpochSecond(batch.get(0).path("dynamodb").path("ApproximateCreationDateTime").asLong()).toString());
        info.put("approximateArrivalOfLastRecord", Instant.ofEpochSecond(batch.get(batch.size() - 1).path("dynamodb").path("ApproximateCreationDateTime").asLong()).toString());
        info.put("batchSize", batch.size());
        info.put("streamArn", config.streamArn());
        LOG.error("{}: {} record(s) from sequence {} exhausted {} retries; sent to the on-failure destination", config.name(),
                batch.size(), sequence(batch.get(0)), config.maxRetries());
        config.onFailureQueueUrl().ifPresent(url -> sqs.sendMessage(r -> r.queueUrl(url).messageBody(Json.write(record))));
    }

    private static String sequence(JsonNode record) {
        return record.path("dynamodb").path("SequenceNumber").asText();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
