package dev.lapse.local;

import dev.lapse.local.console.StackOutputs;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * CloudFormation {@code DescribeStacks} (AWS Query protocol) for the one stack the local runtime stands in for,
 * named as in samconfig.toml ({@code lapse}), with the Outputs the console reads: so that
 * {@code ./lapse console --stack lapse --endpoint-url <api endpoint>} takes the same path as against AWS.
 */
final class StackDescription {
    static final String STACK_NAME = "lapse";
    private static final String NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    private final StackOutputs outputs;
    private final String region;
    private final String account;
    private final Instant created = Instant.now();

    StackDescription(StackOutputs outputs, String region, String account) {
        this.outputs = outputs;
        this.region = region;
        this.account = account;
    }

    /** Whether {@code body} is a Query-protocol CloudFormation call (form-encoded, with an Action and Version 2010-05-15). */
    static boolean isQuery(String contentType, byte[] body) {
        return contentType != null && contentType.startsWith("application/x-www-form-urlencoded") && body != null
                && form(body).containsKey("Action") && "2010-05-15".equals(form(body).get("Version"));
    }

    /** The XML answer to the form-encoded request, or an {@link AwsError} as CloudFormation would answer. */
    String answer(byte[] body) {
        Map<String, String> form = form(body);
        String action = form.get("Action");
        if (!"DescribeStacks".equals(action)) {
            throw new AwsError(400, "InvalidAction", "CloudFormation " + action + " is not supported by the local runtime (supported: DescribeStacks)");
        }
        String name = form.getOrDefault("StackName", STACK_NAME);
        if (!name.equals(STACK_NAME) && !name.equals(stackId())) {
            throw new AwsError(400, "ValidationError", "Stack with id " + name + " does not exist");
        }
        StringBuilder xml = new StringBuilder("<DescribeStacksResponse xmlns=\"" + NS + "\"><DescribeStacksResult><Stacks><member>");
        element(xml, "StackName", STACK_NAME);
        element(xml, "StackId", stackId());
        element(xml, "StackStatus", "CREATE_COMPLETE");
        element(xml, "CreationTime", created.toString());
        xml.append("<Outputs>");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ScheduleJobFunctionAliasArn", outputs.scheduleFunction());
        values.put("ReplayDeadLettersFunctionAliasArn", outputs.replayFunction());
        values.put("JobsDeadLetterQueueUrl", outputs.deadLetterQueueUrl());
        values.forEach((key, value) -> {
            xml.append("<member>");
            element(xml, "OutputKey", key);
            element(xml, "OutputValue", value);
            xml.append("</member>");
        });
        xml.append("</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata>");
        element(xml, "RequestId", UUID.randomUUID().toString());
        return xml.append("</ResponseMetadata></DescribeStacksResponse>").toString();
    }

    /** CloudFormation's error shape. */
    static String error(AwsError e) {
        StringBuilder xml = new StringBuilder("<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type>");
        element(xml, "Code", e.code());
        element(xml, "Message", e.getMessage());
        xml.append("</Error>");
        element(xml, "RequestId", UUID.randomUUID().toString());
        return xml.append("</ErrorResponse>").toString();
    }

    private String stackId() {
        return "arn:aws:cloudformation:" + region + ":" + account + ":stack/" + STACK_NAME + "/00000000-0000-0000-0000-000000000000";
    }

    private static void element(StringBuilder xml, String name, String value) {
        xml.append('<').append(name).append('>').append(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
                .append("</").append(name).append('>');
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
