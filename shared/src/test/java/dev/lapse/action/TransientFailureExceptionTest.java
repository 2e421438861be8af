package dev.lapse.action;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Which failures are retried at once (transient) and which spend one of the job's attempts. */
class TransientFailureExceptionTest {

    static AwsServiceException service(int status, String code) {
        return AwsServiceException.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    static TransactionCanceledException cancelled(String... codes) {
        CancellationReason[] reasons = new CancellationReason[codes.length];
        for (int i = 0; i < codes.length; i++) {
            reasons[i] = CancellationReason.builder().code(codes[i]).build();
        }
        return TransactionCanceledException.builder().statusCode(400).message("cancelled").cancellationReasons(reasons).build();
    }

    @Test
    void ownTransientFailuresAndTimeoutsAreTransient() {
        assertThat(TransientFailureException.isTransient(new TransientFailureException("2 of 10 entries failed"))).isTrue();
        assertThat(TransientFailureException.isTransient(ApiCallTimeoutException.builder().message("slow").build())).isTrue();
        assertThat(TransientFailureException.isTransient(ApiCallAttemptTimeoutException.builder().message("slow").build())).isTrue();
    }

    @Test
    void throttlingAndServerErrorsAreTransientClientErrorsAreNot() {
        assertThat(TransientFailureException.isTransient(service(400, "ThrottlingException"))).as("throttled").isTrue();
        assertThat(TransientFailureException.isTransient(service(500, "InternalServerError"))).isTrue();
        assertThat(TransientFailureException.isTransient(service(503, "ServiceUnavailable"))).isTrue();
        assertThat(TransientFailureException.isTransient(service(499, "ValidationException"))).as("just under 500").isFalse();
        assertThat(TransientFailureException.isTransient(service(403, "AccessDeniedException"))).isFalse();
        assertThat(TransientFailureException.isTransient(ConditionalCheckFailedException.builder().statusCode(400).message("no").build())).isFalse();
    }

    @Test
    void aTransactionCancelledByThrottlingOrAConflictIsTransientByAConditionIsNot() {
        assertThat(TransientFailureException.isTransient(cancelled("None", "ThrottlingError"))).isTrue();
        assertThat(TransientFailureException.isTransient(cancelled("TransactionConflict", "None"))).isTrue();
        assertThat(TransientFailureException.isTransient(cancelled("ConditionalCheckFailed", "None"))).isFalse();
        assertThat(TransientFailureException.isTransient(TransactionCanceledException.builder().statusCode(400).message("no reasons").build())).isFalse();
    }

    @Test
    void clientSideAndRetryableSdkErrorsAreTransientOthersAreNot() {
        assertThat(TransientFailureException.isTransient(SdkClientException.create("connection reset"))).isTrue();
        assertThat(TransientFailureException.isTransient(SdkException.builder().message("not retryable").build())).isFalse();
        assertThat(TransientFailureException.isTransient(new IllegalArgumentException("bad payload"))).isFalse();
        assertThat(TransientFailureException.isTransient(null)).isFalse();
    }

    @Test
    void theCauseChainIsSearched() {
        assertThat(TransientFailureException.isTransient(new IllegalStateException("publish failed", service(500, "InternalError")))).isTrue();
        assertThat(TransientFailureException.isTransient(new RuntimeException("outer", new IllegalStateException("inner",
                SdkClientException.create("timeout"))))).isTrue();
        assertThat(TransientFailureException.isTransient(new RuntimeException("outer", new IllegalArgumentException("inner")))).isFalse();
    }

    @Test
    void itCarriesItsMessageAndCause() {
        IllegalStateException cause = new IllegalStateException("bus");
        TransientFailureException e = new TransientFailureException("PutEvents failed", cause);
        assertThat(e).hasMessage("PutEvents failed").hasCause(cause);
    }
}
