package dev.lapse.action;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A failure worth retrying at once (throttling, a timeout, a service error, a partly failed
 * PutEvents): the stream handler reports it as a partial batch failure instead of spending one of
 * the job's attempts on it.
 */
public class TransientFailureException extends RuntimeException {

    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientFailureException(String message) {
        super(message);
    }

    /** Whether {@code error} (or its cause) is transient by the SDK's own retry classification. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TransientFailureException
                    || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
            if (t instanceof TransactionCanceledException tce && tce.hasCancellationReasons()
                    && tce.cancellationReasons().stream().anyMatch(r -> "ThrottlingError".equals(r.code())
                    || "TransactionConflict".equals(r.code()))) {
                return true;
            }
            if (t instanceof SdkServiceException service && (service.isThrottlingException() || service.statusCode() >= 500)) {
                return true;
            }
            if (t instanceof SdkClientException || t instanceof SdkException sdk && sdk.retryable()) {
                return true; // I/O errors, timeouts, and what the SDK itself marks retryable
            }
        }
        return false;
    }
}
