package dev.lapse.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Turns a DynamoDB Streams API record into the record shape Lambda delivers (and filters on):
 * {@code eventName}, {@code userIdentity.type}, {@code dynamodb.OldImage}, ...
 */
final class StreamRecords {
    private StreamRecords() {
    }

    static ObjectNode toLambdaShape(Record record, String streamArn, String region) {
        return toLambdaShape(record, streamArn, region, true);
    }

    /** The record as Lambda delivers it, or without its {@code dynamodb} part (keys, images), cheaper to build. */
    static ObjectNode toLambdaShape(Record record, String streamArn, String region, boolean withDynamodb) {
        ObjectNode out = Json.object();
        out.put("eventID", record.eventID());
        out.put("eventName", record.eventNameAsString());
        out.put("eventVersion", record.eventVersion() == null ? "1.1" : record.eventVersion());
        out.put("eventSource", "aws:dynamodb");
        out.put("awsRegion", region);
        if (withDynamodb) {
            out.set("dynamodb", dynamodb(record.dynamodb()));
        }
        if (record.userIdentity() != null) {
            out.putObject("userIdentity").put("type", record.userIdentity().type()).put("principalId", record.userIdentity().principalId());
        }
        out.put("eventSourceARN", streamArn);
        return out;
    }

    /** A record's {@code dynamodb} part: its keys, images, sequence number and size. */
    private static ObjectNode dynamodb(StreamRecord d) {
        ObjectNode ddb = Json.object();
        if (d.approximateCreationDateTime() != null) {
            ddb.put("ApproximateCreationDateTime", d.approximateCreationDateTime().getEpochSecond());
        }
        if (d.hasKeys()) {
            ddb.set("Keys", image(d.keys()));
        }
        if (d.hasOldImage()) {
            ddb.set("OldImage", image(d.oldImage()));
        }
        if (d.hasNewImage()) {
            ddb.set("NewImage", image(d.newImage()));
        }
        ddb.put("SequenceNumber", d.sequenceNumber());
        ddb.put("SizeBytes", d.sizeBytes() == null ? 0 : d.sizeBytes());
        ddb.put("StreamViewType", d.streamViewTypeAsString());
        return ddb;
    }

    static ObjectNode image(Map<String, AttributeValue> image) {
        ObjectNode out = Json.object();
        new TreeMap<>(image).forEach((k, v) -> out.set(k, value(v)));
        return out;
    }

    static ObjectNode value(AttributeValue v) {
        ObjectNode out = Json.object();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case BOOL -> out.put("BOOL", v.bool());
            case NUL -> out.put("NULL", true);
            case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case M -> out.set("M", image(v.m()));
            case L -> {
                ArrayNode list = out.putArray("L");
                v.l().forEach(item -> list.add(value(item)));
            }
            case SS -> v.ss().forEach(out.putArray("SS")::add);
            case NS -> v.ns().forEach(out.putArray("NS")::add);
            case BS -> v.bs().forEach(b -> out.withArray("BS").add(Base64.getEncoder().encodeToString(b.asByteArray())));
            default -> out.put("NULL", true);
        }
        return out;
    }

    /** Identifies an item + TTL value, to recognise the fast-TTL sweeper's own deletions. */
    static String ttlMark(Map<String, AttributeValue> keys, String ttl) {
        return Json.write(image(keys)) + "|" + ttl;
    }
}
