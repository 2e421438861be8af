package dev.lapse.local;

/**
 * An error answered the way the AWS service does: an HTTP status and an error code (the
 * exception's name, which the SDKs map to their exception classes) with a message.
 */
final class AwsError extends RuntimeException {
    private final int status;
    private final String code;

    AwsError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static AwsError badRequest(String code, String message) {
        return new AwsError(400, code, message);
    }

    static AwsError validation(String message) {
        return badRequest("ValidationException", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
