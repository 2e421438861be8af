package dev.lapse.local.console;

import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** The resources of a Lapse stack the console uses, as template.yaml's Outputs name them. */
public record StackOutputs(String scheduleFunction, String replayFunction, String deadLetterQueueUrl) {
    static final String SCHEDULE = "ScheduleJobFunctionAliasArn";
    static final String REPLAY = "ReplayDeadLettersFunctionAliasArn";
    static final String DEAD_LETTERS = "JobsDeadLetterQueueUrl";

    /** Reads a deployed stack's Outputs; a stack without Lapse's outputs is refused, naming what is missing. */
    public static StackOutputs of(CloudFormationClient cloudFormation, String stackName) {
        Stack stack = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("stack " + stackName + " was not found"));
        return of(stackName, stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a)));
    }

    static StackOutputs of(String stackName, Map<String, String> outputs) {
        return new StackOutputs(required(stackName, outputs, SCHEDULE), required(stackName, outputs, REPLAY),
                required(stackName, outputs, DEAD_LETTERS));
    }

    private static String required(String stackName, Map<String, String> outputs, String key) {
        String value = outputs.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("stack " + stackName + " has no output " + key + ": is it a Lapse stack deployed from"
                    + " template.yaml? (outputs found: " + outputs.keySet().stream().sorted().toList() + ")");
        }
        return value;
    }
}
