package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.lapse.run.TtlDeletion;
import dev.lapse.store.JobItems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads a Lambda DynamoDB stream record: its image as the SDK's attribute values, and whether TTL deleted it. */
final class StreamImages {
    private StreamImages() {
    }

    static Map<String, AttributeValue> toSdk(Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        if (image != null) {
            image.forEach((k, v) -> out.put(k, toSdk(v)));
        }
        return out;
    }

    static AttributeValue toSdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            return AttributeValue.fromNul(v.getNULL());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(toSdk(v.getM()));
        }
        if (v.getL() != null) {
            return AttributeValue.fromL(v.getL().stream().map(StreamImages::toSdk).toList());
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(List.copyOf(v.getSS()));
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(List.copyOf(v.getNS()));
        }
        return AttributeValue.fromNul(true);
    }

    /** Whether {@code record} is a deletion by DynamoDB TTL ({@link TtlDeletion}, the one rule). */
    static boolean isTtlDeletion(DynamodbEvent.DynamodbStreamRecord record, boolean requireTtlIdentity) {
        var identity = record.getUserIdentity();
        var change = record.getDynamodb();
        var ttl = change == null || change.getOldImage() == null ? null : change.getOldImage().get(JobItems.TTL);
        return TtlDeletion.isTtlDeletion("REMOVE".equals(record.getEventName()), identity == null ? null : identity.getType(),
                identity == null ? null : identity.getPrincipalId(), ttl == null ? null : ttl.getN(),
                change == null || change.getApproximateCreationDateTime() == null ? null : change.getApproximateCreationDateTime().toInstant(),
                requireTtlIdentity);
    }

    /** The job (item key) a record concerns: the records of one job run in stream order. */
    /** The record's id in a partial-batch response: its sequence number. */
    static String sequenceNumber(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
    }

    static String jobOf(DynamodbEvent.DynamodbStreamRecord record) {
        var keys = record.getDynamodb() == null ? null : record.getDynamodb().getKeys();
        var jobId = keys == null ? null : keys.get(JobItems.JOB_ID);
        return jobId == null ? record.getEventID() : jobId.getS();
    }
}
