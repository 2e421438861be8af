package dev.lapse.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.lapse.json.Json;
import java.nio.charset.CharacterCodingException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's {@code Invoke} (REST: {@code POST /2015-03-31/functions/{FunctionName}/invocations}) for the
 * template's functions, with Lambda's invocation types, qualifiers, payload limits and errors.
 */
final class LambdaApi {
    private static final Logger LOG = LoggerFactory.getLogger("api");
    /** JSON syntax only: a duplicate key or a long number is valid JSON, for the function to accept or refuse. */
    private static final JsonFactory SYNTAX = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).maxNestingDepth(Integer.MAX_VALUE).build())
            .build();

    /** The one version the local runtime publishes for a function with an alias (AutoPublishAlias): what the alias runs. */
    static final String PUBLISHED_VERSION = "1";
    /** Lambda's payload limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one. */
    static final int SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
    static final int ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
    private static final Pattern FUNCTION_NAME = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?([a-zA-Z0-9_-]+)(?::(\\$LATEST|[a-zA-Z0-9_-]+))?");

    /** An answer: status, body (may be empty), and Lambda's X-Amz-Function-Error header when the handler failed. */
    record Answer(int status, String body, String functionError, String executedVersion) {
    }

    private final Function<String, LocalFunction> functions;
    private final Function<LocalFunction, String> aliases;
    private final String region;
    private final String account;
    private final Async async;

    /** How a function is invoked asynchronously, as Lambda does ({@link AsyncInvocations}): with its event, on a qualifier. */
    @FunctionalInterface
    interface Async {
        void invoke(LocalFunction function, String event, String qualifier);
    }

    LambdaApi(Function<String, LocalFunction> functions, Function<LocalFunction, String> aliases, String region, String account,
              Async async) {
        this.functions = functions;
        this.aliases = aliases;
        this.region = region;
        this.account = account;
        this.async = async;
    }

    Answer invoke(String method, String functionName, String qualifierParameter, String invocationType, byte[] payload) {
        if (!"POST".equals(method)) {
            throw AwsError.badRequest("UnknownOperationException", method + " is not an operation on .../invocations: Invoke is POST");
        }
        Matcher m = FUNCTION_NAME.matcher(functionName);
        if (!m.matches() || functionName.length() > 170) {
            throw AwsError.validation("1 validation error detected: Value '" + functionName + "' at 'functionName' failed to satisfy constraint:"
                    + " Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                    + "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        String name = m.group(1);
        String qualifier = m.group(2);
        if (qualifierParameter != null && qualifier != null && !qualifier.equals(qualifierParameter)) {
            throw AwsError.badRequest("InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.");
        }
        if (qualifier == null) {
            qualifier = qualifierParameter;
        }
        LocalFunction function = functions.apply(name);
        String alias = function == null ? null : aliases.apply(function);
        boolean published = alias != null && PUBLISHED_VERSION.equals(qualifier); // the version the alias points at, as answered
        if (function == null || (qualifier != null && !qualifier.equals("$LATEST") && !qualifier.equals(alias) && !published)) {
            throw new AwsError(404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:" + region + ":" + account + ":function:"
                    + name + (qualifier == null ? "" : ":" + qualifier) + (function == null ? "" : " (qualifiers here: $LATEST"
                    + (alias == null ? "" : ", the alias " + alias + " and its version " + PUBLISHED_VERSION) + ")"));
        }
        String type = invocationType == null ? "RequestResponse" : invocationType;
        int limit = switch (type) {
            case "RequestResponse", "DryRun" -> SYNC_PAYLOAD_LIMIT;
            case "Event" -> ASYNC_PAYLOAD_LIMIT;
            default -> throw AwsError.validation("1 validation error detected: Value '" + type + "' at 'invocationType' failed to satisfy"
                    + " constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        };
        if (payload.length > limit) {
            throw tooLarge(type, payload.length);
        }
        String event;
        try {
            // strictly: bytes that are not UTF-8 would otherwise reach the function as replacement characters
            event = payload.length == 0 ? "{}" : Json.utf8(payload);
        } catch (CharacterCodingException e) {
            throw AwsError.badRequest("InvalidRequestContentException", "Could not parse request body into json: the body is not valid UTF-8");
        }
        if (payload.length > 0) {
            try (JsonParser parser = SYNTAX.createParser(event)) {
                while (parser.nextToken() != null) {
                    // Lambda checks only that the payload is JSON; what the function accepts is the function's business
                }
            } catch (Exception e) {
                throw AwsError.badRequest("InvalidRequestContentException", "Could not parse request body into json: " + firstLine(e.getMessage()));
            }
        }
        String version = qualifier != null && (qualifier.equals(alias) || published) ? PUBLISHED_VERSION : "$LATEST";
        switch (type) {
            case "DryRun" -> {
                return new Answer(204, "", null, null);
            }
            case "Event" -> {
                async.invoke(function, event, qualifier == null ? "$LATEST" : qualifier);
                return new Answer(202, "", null, null);
            }
            default -> {
                try {
                    return new Answer(200, function.invoke(event), null, version);
                } catch (Exception e) {
                    String err = Json.write(Json.object().put("errorMessage", String.valueOf(e.getMessage()))
                            .put("errorType", e.getClass().getName()));
                    return new Answer(200, err, "Unhandled", version);
                }
            }
        }
    }

    /** Lambda's answer to a payload over its limit (413, RequestTooLargeException), naming the limit. */
    static AwsError tooLarge(String invocationType, long size) {
        if ("Event".equals(invocationType)) {
            return new AwsError(413, "RequestTooLargeException", size + " byte payload is too large for the Event invocation type (limit "
                    + ASYNC_PAYLOAD_LIMIT + " bytes)");
        }
        return new AwsError(413, "RequestTooLargeException", "Request must be smaller than " + SYNC_PAYLOAD_LIMIT
                + " bytes for the InvokeFunction operation (this one has " + size + " bytes)");
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
