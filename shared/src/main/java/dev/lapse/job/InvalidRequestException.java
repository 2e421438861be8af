package dev.lapse.job;

/**
 * A request Lapse refuses. It names the field, what is wrong with it and what would be
 * accepted; nothing has been written when it is thrown.
 */
public class InvalidRequestException extends RuntimeException {
    private final String field;
    private final String problem;
    private final String accepted;

    public InvalidRequestException(String field, String problem, String accepted) {
        super(field + ": " + problem + " (accepted: " + accepted + ")");
        this.field = field;
        this.problem = problem;
        this.accepted = accepted;
    }

    /** The same error for a field nested under {@code parent}, e.g. {@code retry.maxAttempts} under {@code detail}. */
    public InvalidRequestException under(String parent) {
        return new InvalidRequestException(parent + "." + field, problem, accepted);
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    public String accepted() {
        return accepted;
    }
}
