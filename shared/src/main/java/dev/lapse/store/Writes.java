package dev.lapse.store;

import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Writes built once for a transaction and also made on their own. */
public final class Writes {
    private Writes() {
    }

    /** A transaction's {@code Update} as the same write on its own: one conditional {@code UpdateItem}, billed once. */
    public static UpdateItemRequest alone(Update u) {
        return UpdateItemRequest.builder().tableName(u.tableName()).key(u.key())
                .updateExpression(u.updateExpression()).conditionExpression(u.conditionExpression())
                .expressionAttributeNames(u.expressionAttributeNames()).expressionAttributeValues(u.expressionAttributeValues()).build();
    }
}
