package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class AwsCallsTest {
    private static String bytes(int n) {
        return "x".repeat(n);
    }

    @Test
    void everyDynamoDbRequestThatTakesItAsksForTheTotalConsumedCapacityAndOthersAreLeftAsTheyAre() {
        assertThat(((PutItemRequest) AwsCalls.withConsumedCapacity(PutItemRequest.builder().tableName("t").build())).returnConsumedCapacity())
                .isEqualTo(ReturnConsumedCapacity.TOTAL);
        assertThat(((GetItemRequest) AwsCalls.withConsumedCapacity(GetItemRequest.builder().tableName("t").build())).returnConsumedCapacity())
                .isEqualTo(ReturnConsumedCapacity.TOTAL);
        assertThat(((UpdateItemRequest) AwsCalls.withConsumedCapacity(UpdateItemRequest.builder().build())).returnConsumedCapacity())
                .isEqualTo(ReturnConsumedCapacity.TOTAL);
        assertThat(((QueryRequest) AwsCalls.withConsumedCapacity(QueryRequest.builder().build())).returnConsumedCapacity())
                .isEqualTo(ReturnConsumedCapacity.TOTAL);
        TransactWriteItemsRequest transaction = (TransactWriteItemsRequest) AwsCalls.withConsumedCapacity(TransactWriteItemsRequest.builder().build());
        assertThat(transaction.returnConsumedCapacity()).isEqualTo(ReturnConsumedCapacity.TOTAL);
        SendMessageRequest send = SendMessageRequest.builder().messageBody("m").build();
        assertThat(AwsCalls.withConsumedCapacity(send)).isSameAs(send);
    }

    @Test
    void writeAndReadUnitsAreSummedFromTheConsumedCapacityOfEachAnswerAndByOperation() {
        AwsCalls calls = new AwsCalls();
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder()
                .consumedCapacity(ConsumedCapacity.builder().tableName("Jobs").capacityUnits(1.0).build()).build());
        calls.record(GetItemRequest.builder().build(), GetItemResponse.builder()
                .consumedCapacity(ConsumedCapacity.builder().tableName("Jobs").capacityUnits(0.5).build()).build());
        // a two-table transaction: DynamoDB bills each item twice, and answers one ConsumedCapacity per table
        calls.record(TransactWriteItemsRequest.builder().build(), TransactWriteItemsResponse.builder().consumedCapacity(
                ConsumedCapacity.builder().tableName("Jobs").capacityUnits(2.0).writeCapacityUnits(2.0).build(),
                ConsumedCapacity.builder().tableName("Executions").capacityUnits(2.0).writeCapacityUnits(2.0).build()).build());

        AwsCalls.Tally tally = calls.tally();
        assertThat(tally.writeUnits()).isEqualTo(5.0);
        assertThat(tally.readUnits()).isEqualTo(0.5);
        assertThat(tally.units()).containsEntry("DynamoDb.TransactWriteItems", 4.0).containsEntry("DynamoDb.PutItem", 1.0)
                .containsEntry("DynamoDb.GetItem", 0.5);
        assertThat(tally.calls()).containsEntry("DynamoDb.PutItem", 1L).containsEntry("DynamoDb.GetItem", 1L)
                .containsEntry("DynamoDb.TransactWriteItems", 1L);
        assertThat(tally.dynamoWithoutCapacity()).isZero();
    }

    @Test
    void separateReadAndWriteUnitsAreTakenAsAnsweredWhateverTheOperation() {
        AwsCalls calls = new AwsCalls();
        calls.record(UpdateItemRequest.builder().build(), UpdateItemResponse.builder().consumedCapacity(
                ConsumedCapacity.builder().capacityUnits(3.0).readCapacityUnits(1.0).writeCapacityUnits(2.0).build()).build());
        assertThat(calls.tally().readUnits()).isEqualTo(1.0);
        assertThat(calls.tally().writeUnits()).isEqualTo(2.0);
    }

    @Test
    void aDynamoDbAnswerWithoutConsumedCapacityIsCountedAsUnmeasured() {
        AwsCalls calls = new AwsCalls();
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder().build());
        assertThat(calls.tally().dynamoWithoutCapacity()).isEqualTo(1);
        assertThat(calls.tally().writeUnits()).isZero();
    }

    @Test
    void sqsBillsEach64KbChunkOfASendAndABatchAsAWholeAndOtherCallsAsOne() {
        AwsCalls calls = new AwsCalls();
        calls.record(SendMessageRequest.builder().messageBody(bytes(100)).build(), SendMessageResponse.builder().build());
        calls.record(SendMessageRequest.builder().messageBody(bytes(64 * 1024 + 1)).build(), SendMessageResponse.builder().build());
        calls.record(SendMessageBatchRequest.builder().entries(
                SendMessageBatchRequestEntry.builder().messageBody(bytes(40 * 1024)).build(),
                SendMessageBatchRequestEntry.builder().messageBody(bytes(40 * 1024)).build()).build(), SendMessageBatchResponse.builder().build());
        calls.record(DeleteMessageRequest.builder().build(), DeleteMessageResponse.builder().build());

        assertThat(calls.tally().sqsRequests()).isEqualTo(1 + 2 + 2 + 1);
        assertThat(calls.tally().calls()).containsEntry("Sqs.SendMessage", 2L).containsEntry("Sqs.SendMessageBatch", 1L)
                .containsEntry("Sqs.DeleteMessage", 1L);
    }

    @Test
    void eventBridgeBillsEachEntryByIts64KbChunks() {
        AwsCalls calls = new AwsCalls();
        PutEventsRequestEntry small = PutEventsRequestEntry.builder().source("lapse").detailType("Job Due").detail("{}").build();
        PutEventsRequestEntry large = PutEventsRequestEntry.builder().source("lapse").detailType("Job Due").detail(bytes(64 * 1024)).build();
        calls.record(PutEventsRequest.builder().entries(small, large).build(), PutEventsResponse.builder().build());
        assertThat(calls.tally().events()).isEqualTo(3);
    }

    @Test
    void anEntrysSizeCountsTimeSourceDetailTypeDetailAndResources() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder().time(Instant.EPOCH).source("ab").detailType("cde").detail("{}")
                .resources("arn:1", "é").build();
        assertThat(AwsCalls.entrySize(entry)).isEqualTo(14 + 2 + 3 + 2 + 5 + 2);
        assertThat(AwsCalls.entrySize(PutEventsRequestEntry.builder().source("ab").build())).isEqualTo(2);
    }

    @Test
    void chunksRoundUpAndAnEmptyPayloadIsOneRequest() {
        assertThat(AwsCalls.chunks(0)).isEqualTo(1);
        assertThat(AwsCalls.chunks(65_536)).isEqualTo(1);
        assertThat(AwsCalls.chunks(65_537)).isEqualTo(2);
        assertThat(AwsCalls.chunks(262_144)).isEqualTo(4);
    }

    @Test
    void operationsAreNamedByServiceStreamsApartFromTables() {
        assertThat(AwsCalls.operation(GetRecordsRequest.builder().build())).isEqualTo("DynamoDbStreams.GetRecords");
        assertThat(AwsCalls.operation(PutItemRequest.builder().build())).isEqualTo("DynamoDb.PutItem");
        assertThat(AwsCalls.operation(PutEventsRequest.builder().build())).isEqualTo("EventBridge.PutEvents");
        assertThat(AwsCalls.operation(DeleteMessageRequest.builder().build())).isEqualTo("Sqs.DeleteMessage");
        assertThat(AwsCalls.isWrite(TransactWriteItemsRequest.builder().build())).isTrue();
        assertThat(AwsCalls.isWrite(GetItemRequest.builder().build())).isFalse();
    }

    @Test
    void aTallyMinusAnEarlierOneIsWhatHappenedBetween() {
        AwsCalls calls = new AwsCalls();
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(1.0).build()).build());
        AwsCalls.Tally before = calls.tally();
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(1.0).build()).build());
        calls.record(SendMessageRequest.builder().messageBody("m").build(), SendMessageResponse.builder().build());

        AwsCalls.Tally between = calls.tally().minus(before);
        assertThat(between.calls()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("DynamoDb.PutItem", 1L, "Sqs.SendMessage", 1L));
        assertThat(between.writeUnits()).isEqualTo(1.0);
        assertThat(between.units()).containsExactlyEntriesOf(java.util.Map.of("DynamoDb.PutItem", 1.0));
        assertThat(between.sqsRequests()).isEqualTo(1);
        assertThat(List.of(between.events(), between.dynamoWithoutCapacity())).containsOnly(0L);
    }

    @Test
    void countingOnlyLeavesTheRequestsAsTheyAreAndTableCallsAreTheDynamoDbOnesByOperation() {
        PutItemRequest put = PutItemRequest.builder().tableName("t").build();
        software.amazon.awssdk.core.interceptor.Context.ModifyRequest context = () -> put;
        assertThat(AwsCalls.countingOnly().modifyRequest(context, new software.amazon.awssdk.core.interceptor.ExecutionAttributes())).isSameAs(put);
        assertThat(((PutItemRequest) new AwsCalls().modifyRequest(context, new software.amazon.awssdk.core.interceptor.ExecutionAttributes()))
                .returnConsumedCapacity()).isEqualTo(ReturnConsumedCapacity.TOTAL);

        AwsCalls calls = AwsCalls.countingOnly();
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder().build());
        calls.record(PutItemRequest.builder().build(), PutItemResponse.builder().build());
        calls.record(UpdateItemRequest.builder().build(), UpdateItemResponse.builder().build());
        calls.record(GetRecordsRequest.builder().build(), software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse.builder().build());
        calls.record(SendMessageRequest.builder().messageBody("x").build(), SendMessageResponse.builder().build());

        AwsCalls.PerJob perJob = AwsCalls.perJob(calls.tally(), 2);
        assertThat(perJob.byOperation()).containsExactly(java.util.Map.entry("PutItem", 1.0), java.util.Map.entry("UpdateItem", 0.5));
        assertThat(perJob.total()).isEqualTo(1.5);
        assertThat(perJob.describe()).isEqualTo("1.50 DynamoDB calls a job (PutItem 1.00, UpdateItem 0.50)");
    }
}
