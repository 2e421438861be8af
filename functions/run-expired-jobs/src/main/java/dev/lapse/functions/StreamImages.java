package dev.lapse.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.run.ExpiredJobs;
import dev.lapse.run.TtlDeletion;
import dev.lapse.store.JobItems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a DynamoDB stream record as Lambda delivers it (JSON; images in DynamoDB's JSON, {@code {"S": "..."}},
 * {@code {"N": "12"}}, ...): its image as the SDK's attribute values, and whether TTL deleted it.
 */
final class StreamImages {
    private StreamImages() {
    }

    /** Hands each record to {@code expired}: its ids, whether TTL deleted it, and its old image, read only if it did. */
    static Consumer<JsonNode> handledBy(ExpiredJobs expired, boolean requireTtlIdentity) {
        return r -> expired.handle(r.path("eventID").asText(), r.path("eventName").asText(), isTtlDeletion(r, requireTtlIdentity),
                () -> toSdk(r.path("dynamodb").path("OldImage")), r);
    }

    /** An image (an object of attribute values); none (missing) is an empty item. */
    static Map<String, AttributeValue> toSdk(JsonNode image) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.fields().forEachRemaining(e -> out.put(e.getKey(), toSdkValue(e.getValue())));
        return out;
    }

    /** One attribute value in DynamoDB's JSON; a type it does not name is read as NULL (the job's reader then refuses it). */
    static AttributeValue toSdkValue(JsonNode v) {
        if (v.has("S")) {
            return AttributeValue.fromS(v.get("S").asText());
        }
        if (v.has("N")) {
            return AttributeValue.fromN(v.get("N").asText());
        }
        if (v.has("BOOL")) {
            return AttributeValue.fromBool(v.get("BOOL").asBoolean());
        }
        if (v.has("B")) {
            return AttributeValue.fromB(bytes(v.get("B")));
        }
        if (v.has("M")) {
            return AttributeValue.fromM(toSdk(v.get("M")));
        }
        if (v.has("L")) {
            return AttributeValue.fromL(each(v.get("L"), StreamImages::toSdkValue));
        }
        if (v.has("SS")) {
            return AttributeValue.fromSs(each(v.get("SS"), JsonNode::asText));
        }
        if (v.has("NS")) {
            return AttributeValue.fromNs(each(v.get("NS"), JsonNode::asText));
        }
        if (v.has("BS")) {
            return AttributeValue.fromBs(each(v.get("BS"), StreamImages::bytes));
        }
        return AttributeValue.fromNul(true);
    }

    private static SdkBytes bytes(JsonNode base64) {
        return SdkBytes.fromByteArray(Base64.getDecoder().decode(base64.asText()));
    }

    private static <T> List<T> each(JsonNode array, Function<JsonNode, T> read) {
        List<T> out = new ArrayList<>();
        array.forEach(e -> out.add(read.apply(e)));
        return out;
    }

    /** Whether {@code record} is a deletion by DynamoDB TTL ({@link TtlDeletion}, the one rule). */
    static boolean isTtlDeletion(JsonNode record, boolean requireTtlIdentity) {
        JsonNode identity = record.path("userIdentity");
        JsonNode change = record.path("dynamodb");
        JsonNode ttl = change.path("OldImage").path(JobItems.TTL).path("N");
        JsonNode created = change.path("ApproximateCreationDateTime"); // epoch seconds
        return TtlDeletion.isTtlDeletion("REMOVE".equals(record.path("eventName").asText()), text(identity.path("type")),
                text(identity.path("principalId")), text(ttl),
                created.isNumber() ? Instant.ofEpochMilli(Math.round(created.asDouble() * 1000)) : null, requireTtlIdentity);
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** The record's id in a partial-batch response: its sequence number. */
    static String sequenceNumber(JsonNode record) {
        return text(record.path("dynamodb").path("SequenceNumber"));
    }

    /** The job (item key) a record concerns: the records of one job run in stream order. */
    static String jobOf(JsonNode record) {
        JsonNode jobId = record.path("dynamodb").path("Keys").path(JobItems.JOB_ID).path("S");
        return jobId.isTextual() ? jobId.asText() : record.path("eventID").asText();
    }
}
