package dev.lapse.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts the attribute values of a Lambda DynamoDB stream record into the SDK's, and back. */
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

    /** The other way: an SDK item as a stream record's image. */
    static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> fromSdk(Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, fromSdk(v)));
        return out;
    }

    static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue fromSdk(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(v.nul());
            case B -> out.setB(v.b().asByteBuffer());
            case M -> out.setM(fromSdk(v.m()));
            case L -> out.setL(v.l().stream().map(StreamImages::fromSdk).toList());
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            default -> out.setNULL(true);
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

    /** A TTL deletion of {@code job} at {@code at}, as the stream delivers it (the handler's cold-start sample). */
    static com.amazonaws.services.lambda.runtime.events.DynamodbEvent ttlDeletion(dev.lapse.job.Job job, java.time.Instant at) {
        var ttl = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity();
        ttl.setType("Service");
        ttl.setPrincipalId(dev.lapse.run.TtlDeletion.PRINCIPAL);
        var change = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
        change.setOldImage(fromSdk(dev.lapse.store.JobItems.toItem(job)));
        change.setSequenceNumber("0");
        change.setApproximateCreationDateTime(java.util.Date.from(at));
        var record = new com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("REMOVE");
        record.setUserIdentity(ttl);
        record.setDynamodb(change);
        var event = new com.amazonaws.services.lambda.runtime.events.DynamodbEvent();
        event.setRecords(List.of(record));
        return event;
    }
}
