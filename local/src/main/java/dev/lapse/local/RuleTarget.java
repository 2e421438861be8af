package dev.lapse.local;

import static dev.lapse.local.EventsRequests.name;
import static dev.lapse.local.EventsRequests.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/** A rule's target: where a matching event goes, and what it receives (the event, a constant Input, or the part InputPath selects). */
record RuleTarget(String id, String arn, String input, String inputPath, Consumer<String> deliver) {
    private static final Pattern INPUT_PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_\\-]+)*");

    /** One target of a PutTargets request, refused as EventBridge refuses it; {@code deliveries} resolves its ARN. */
    static RuleTarget read(JsonNode t, Function<String, Consumer<String>> deliveries) {
        String id = name(t, "Id", "targets.member.id");
        String arn = text(t, "Arn");
        if (arn == null) {
            throw AwsError.validation("1 validation error detected: Value null at 'targets.member.arn' failed to satisfy constraint: Member must not be null");
        }
        String input = text(t, "Input");
        String inputPath = text(t, "InputPath");
        int transforms = (input == null ? 0 : 1) + (inputPath == null ? 0 : 1) + (t.hasNonNull("InputTransformer") ? 1 : 0);
        if (transforms > 1) {
            throw AwsError.validation("Target " + id + ": only one of Input, InputPath, or InputTransformer can be specified.");
        }
        if (t.hasNonNull("InputTransformer")) {
            throw AwsError.validation("Target " + id + ": InputTransformer is not supported by the local runtime (Input and InputPath are)");
        }
        if (input != null) {
            try {
                Json.MAPPER.readTree(input);
            } catch (Exception e) {
                throw AwsError.validation("Target " + id + ": Input is not valid JSON text.");
            }
        }
        if (inputPath != null && !INPUT_PATH.matcher(inputPath).matches()) {
            throw AwsError.validation("Target " + id + ": InputPath " + inputPath + " is not supported by the local runtime"
                + " (supported: a JSONPath of field names, such as $.detail or $.detail.payload)");
        }
        return new RuleTarget(id, arn, input, inputPath, deliveries.apply(arn));
    }

    /** What this target receives for an event ({@code json} is the event written). */
    String input(JsonNode event, String json) {
        if (input != null) {
            return input;
        }
        if (inputPath == null || inputPath.equals("$")) {
            return json;
        }
        JsonNode node = event;
        for (String field : inputPath.substring(2).split("\\.")) {
            node = node.path(field);
        }
        return node.isMissingNode() ? "null" : Json.write(node);
    }
}
