package dev.lapse.local;

import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsServiceClientConfiguration;

/**
 * The DynamoDB Streams client every reader in the local runtime uses (its event source mappings and
 * the functions): records of the fast-TTL sweeper's deletions carry the TTL service identity, as
 * DynamoDB's own TTL deletions do, so no reader can tell the two apart.
 */
final class TtlMarkingStreamsClient implements DynamoDbStreamsClient {
    private static final Identity TTL = Identity.builder().type("Service").principalId("dynamodb.amazonaws.com").build();

    private final DynamoDbStreamsClient delegate;
    private final FastTtl fastTtl;

    TtlMarkingStreamsClient(DynamoDbStreamsClient delegate, FastTtl fastTtl) {
        this.delegate = delegate;
        this.fastTtl = fastTtl;
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        GetRecordsResponse response = delegate.getRecords(request);
        return response.toBuilder().records(response.records().stream()
                .map(r -> fastTtl.isOwnDeletion(r) ? r.toBuilder().userIdentity(TTL).build() : r).toList()).build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        return delegate.getShardIterator(request);
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        return delegate.describeStream(request);
    }

    @Override
    public ListStreamsResponse listStreams(ListStreamsRequest request) {
        return delegate.listStreams(request);
    }

    @Override
    public DynamoDbStreamsServiceClientConfiguration serviceClientConfiguration() {
        return delegate.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
