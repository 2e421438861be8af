package dev.lapse.local;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsRequest;

/**
 * The bench's count of the AWS calls the functions make, attached to their SDK clients
 * ({@code LocalRuntime.start(options, calls)}): requests by operation, and what each is billed as —
 * DynamoDB read and write request units from {@code ConsumedCapacity} (this interceptor asks every
 * DynamoDB request for {@code ReturnConsumedCapacity=TOTAL}), SQS requests (each 64 KB chunk of a
 * send is one), EventBridge events (each 64 KB chunk of a PutEvents entry is one).
 */
final class AwsCalls implements ExecutionInterceptor {
    /** SQS and EventBridge bill each 64 KB chunk of a payload as one request or event. */
    static final int CHUNK = 64 * 1024;

    /** A count at one moment; {@link #minus} gives what happened between two. */
    record Tally(Map<String, Long> calls, Map<String, Long> failed, Map<String, Double> units, double readUnits, double writeUnits,
                 long sqsRequests, long events, long dynamoWithoutCapacity) {
        Tally minus(Tally before) {
            Map<String, Double> unitsBetween = new TreeMap<>();
            units.forEach((k, v) -> {
                double d = v - before.units.getOrDefault(k, 0.0);
                if (d != 0) {
                    unitsBetween.put(k, d);
                }
            });
            return new Tally(minus(calls, before.calls), minus(failed, before.failed), unitsBetween, readUnits - before.readUnits,
                    writeUnits - before.writeUnits, sqsRequests - before.sqsRequests, events - before.events,
                    dynamoWithoutCapacity - before.dynamoWithoutCapacity);
        }

        private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
            Map<String, Long> out = new TreeMap<>();
            now.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d != 0) {
                    out.put(k, d);
                }
            });
            return out;
        }
    }

    private final boolean askCapacity;

    /** Counts calls and what each is billed as (each DynamoDB request asks for its consumed capacity). */
    AwsCalls() {
        this(true);
    }

    private AwsCalls(boolean askCapacity) {
        this.askCapacity = askCapacity;
    }

    /** Counts calls and leaves the requests as they are: for a figure the capacity reports could slow (a burst's drain). */
    static AwsCalls countingOnly() {
        return new AwsCalls(false);
    }

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> units = new ConcurrentHashMap<>();
    private final DoubleAdder readUnits = new DoubleAdder();
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final LongAdder sqsRequests = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder dynamoWithoutCapacity = new LongAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return askCapacity ? withConsumedCapacity(context.request()) : context.request();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), context.response());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        failed.computeIfAbsent(operation(context.request()), k -> new LongAdder()).increment();
    }

    /** Counts one successful call and what it is billed as. */
    void record(SdkRequest request, SdkResponse response) {
        calls.computeIfAbsent(operation(request), k -> new LongAdder()).increment();
        if (request instanceof SqsRequest) {
            sqsRequests.add(sqsRequests(request));
        } else if (request instanceof PutEventsRequest put) {
            put.entries().forEach(e -> events.add(chunks(entrySize(e))));
        }
        if (response instanceof DynamoDbResponse dynamo && request instanceof DynamoDbRequest) {
            Object consumed = dynamo.getValueForField("ConsumedCapacity", Object.class).orElse(null);
            DoubleAdder byOperation = units.computeIfAbsent(operation(request), k -> new DoubleAdder());
            if (consumed instanceof ConsumedCapacity one) {
                byOperation.add(add(one, isWrite(request)));
            } else if (consumed instanceof List<?> many && !many.isEmpty()) {
                many.forEach(c -> byOperation.add(add((ConsumedCapacity) c, isWrite(request))));
            } else {
                dynamoWithoutCapacity.increment();
            }
        }
    }

    /** The DynamoDB calls on tables a job took, in all and by operation (stream reads are the event source's, not the functions'). */
    record PerJob(double total, Map<String, Double> byOperation) {
        /** "3.12 DynamoDB calls a job (PutItem 1.00, ...)". */
        String describe() {
            StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT, "%.2f DynamoDB calls a job (", total));
            byOperation.forEach((op, n) -> out.append(out.charAt(out.length() - 1) == '(' ? "" : ", ")
                    .append(op).append(' ').append(String.format(java.util.Locale.ROOT, "%.2f", n)));
            return out.append(')').toString();
        }
    }

    /** The table calls in {@code tally} (what happened between two counts), per job of {@code jobs}. */
    static PerJob perJob(Tally tally, int jobs) {
        Map<String, Double> byOperation = new TreeMap<>();
        tally.calls().forEach((op, n) -> {
            if (op.startsWith("DynamoDb.")) {
                byOperation.put(op.substring("DynamoDb.".length()), n / (double) jobs);
            }
        });
        return new PerJob(byOperation.values().stream().mapToDouble(Double::doubleValue).sum(), byOperation);
    }

    Tally tally() {
        Map<String, Double> unitSums = new TreeMap<>();
        units.forEach((k, v) -> unitSums.put(k, v.sum()));
        return new Tally(sums(calls), sums(failed), unitSums, readUnits.sum(), writeUnits.sum(), sqsRequests.sum(), events.sum(),
                dynamoWithoutCapacity.sum());
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Adds one table's consumed capacity to the read and write units; returns the units it came to. */
    private double add(ConsumedCapacity c, boolean write) {
        if (c.readCapacityUnits() != null || c.writeCapacityUnits() != null) {
            double read = c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
            double written = c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
            readUnits.add(read);
            writeUnits.add(written);
            return read + written;
        }
        double total = c.capacityUnits() == null ? 0 : c.capacityUnits();
        (write ? writeUnits : readUnits).add(total);
        return total;
    }

    /** "Service.Operation", e.g. {@code Sqs.SendMessage}, from the request's model package and class. */
    static String operation(SdkRequest request) {
        String service = request instanceof SqsRequest ? "Sqs" : request instanceof EventBridgeRequest ? "EventBridge"
                : request instanceof DynamoDbStreamsRequest ? "DynamoDbStreams" : request instanceof DynamoDbRequest ? "DynamoDb" : "Other";
        return service + "." + request.getClass().getSimpleName().replaceFirst("Request$", "");
    }

    static boolean isWrite(SdkRequest request) {
        return request instanceof PutItemRequest || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest
                || request instanceof BatchWriteItemRequest || request instanceof TransactWriteItemsRequest;
    }

    /** The request with {@code ReturnConsumedCapacity=TOTAL} if it is a DynamoDB request that takes it; otherwise itself. */
    static SdkRequest withConsumedCapacity(SdkRequest request) {
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (request instanceof GetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof PutItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof UpdateItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof DeleteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof QueryRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof ScanRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchGetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchWriteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof TransactWriteItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof TransactGetItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        return request;
    }

    /** What SQS bills a request as: a send by the 64 KB chunks of its bodies (a batch's summed), anything else as one. */
    static long sqsRequests(SdkRequest request) {
        if (request instanceof SendMessageRequest send) {
            return chunks(bytes(send.messageBody()));
        }
        if (request instanceof SendMessageBatchRequest batch) {
            return chunks(batch.entries().stream().map(SendMessageBatchRequestEntry::messageBody).mapToLong(AwsCalls::bytes).sum());
        }
        return 1;
    }

    /** A PutEvents entry's size as EventBridge counts it: 14 bytes for a time, then Source, DetailType, Detail and Resources in UTF-8. */
    static long entrySize(PutEventsRequestEntry entry) {
        long size = entry.time() == null ? 0 : 14;
        size += bytes(entry.source()) + bytes(entry.detailType()) + bytes(entry.detail());
        for (String resource : entry.resources()) {
            size += bytes(resource);
        }
        return size;
    }

    /** How many 64 KB chunks {@code bytes} make; an empty payload is still one. */
    static long chunks(long bytes) {
        return Math.max(1, (bytes + CHUNK - 1) / CHUNK);
    }

    private static long bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
