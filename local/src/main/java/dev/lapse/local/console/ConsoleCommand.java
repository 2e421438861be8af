package dev.lapse.local.console;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./lapse console --stack NAME [--region R] [--profile P] [--port N] [--endpoint-url URL]}: serves the console on
 * 127.0.0.1 for a deployed stack, found by its Outputs, with the user's own credentials (the default chain, or the
 * profile). {@code --endpoint-url} sends every call to one endpoint instead of AWS's (the local runtime answers
 * DescribeStacks, Invoke; its SQS endpoint is read from the queue URL the stack gives).
 */
public final class ConsoleCommand {
    public static final String USAGE = "usage: ./lapse console --stack NAME [--region R] [--profile P] [--port N] [--endpoint-url URL]";
    static final int DEFAULT_PORT = 3002;

    /** The command line, read. */
    record Options(String stack, String region, String profile, int port, URI endpoint) {
    }

    private ConsoleCommand() {
    }

    static Options parse(String[] args) {
        String stack = null;
        String region = null;
        String profile = null;
        int port = DEFAULT_PORT;
        URI endpoint = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("console")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--stack" -> stack = value;
                case "--region" -> region = value;
                case "--profile" -> profile = value;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port \"" + value + "\" is not a port: give a number from 0 to 65535");
                    }
                }
                case "--endpoint-url" -> {
                    endpoint = URI.create(value);
                    if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                        throw new IllegalArgumentException("--endpoint-url \"" + value + "\" is not a URL such as http://127.0.0.1:3001");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option \"" + option + "\"; " + USAGE);
            }
        }
        if (stack == null || stack.isBlank()) {
            throw new IllegalArgumentException("--stack is required: the name of a stack deployed from template.yaml; " + USAGE);
        }
        return new Options(stack, region, profile, port, endpoint);
    }

    /** Starts the console for the command line's stack; returns the running server (close it to stop). */
    static ConsoleServer start(Options options) throws Exception {
        AwsCredentialsProvider credentials = options.profile() == null ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.create(options.profile());
        Region region = region(options, System.getenv());
        var cloudFormation = CloudFormationClient.builder().region(region).credentialsProvider(credentials);
        var lambda = LambdaClient.builder().region(region).credentialsProvider(credentials);
        var sqs = SqsClient.builder().region(region).credentialsProvider(credentials);
        if (options.endpoint() != null) {
            cloudFormation.endpointOverride(options.endpoint());
            lambda.endpointOverride(options.endpoint());
        }
        StackOutputs outputs;
        try (CloudFormationClient client = cloudFormation.build()) {
            outputs = StackOutputs.of(client, options.stack());
        }
        if (options.endpoint() != null) {
            // the queue URL names its own endpoint (on AWS, sqs.<region>.amazonaws.com; locally, the runtime's SQS port)
            sqs.endpointOverride(URI.create(URI.create(outputs.deadLetterQueueUrl()).resolve("/").toString()));
        }
        var backend = new StackBackend(lambda.build(), sqs.build(), outputs, "stack " + options.stack() + " (" + region.id() + ")");
        return new ConsoleServer(options.port(), new ConsoleRoutes(backend));
    }

    /**
     * The region to call: {@code --region}; else {@code AWS_REGION}, as the SDK reads it, or else {@code AWS_DEFAULT_REGION},
     * as the AWS CLI reads it (the quick start exports that one); else the profile's, as the SDK finds it.
     */
    static Region region(Options options, Map<String, String> environment) {
        if (options.region() != null) {
            return Region.of(options.region());
        }
        String cliRegion = environment.get("AWS_DEFAULT_REGION");
        if (blank(environment.get("AWS_REGION")) && !blank(cliRegion)) {
            return Region.of(cliRegion.strip());
        }
        var chain = DefaultAwsRegionProviderChain.builder();
        if (options.profile() != null) {
            chain.profileName(options.profile());
        }
        try {
            return chain.build().getRegion();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("no AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region in"
                    + " the profile; " + USAGE);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** Runs until interrupted; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("lapse: " + e.getMessage());
            return 2;
        }
        try {
            ConsoleServer server = start(options);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    err.println("lapse: console stop: " + e.getMessage());
                }
                stop.countDown();
            }));
            out.println("Lapse console for stack " + options.stack() + ": http://127.0.0.1:" + server.port() + ConsoleRoutes.PREFIX);
            out.println("Stop with Ctrl-C.");
            stop.await();
            return 0;
        } catch (Exception e) {
            err.println("lapse: console failed: " + e.getMessage());
            return 1;
        }
    }
}
