package dev.lapse.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./lapse [run|demo|bench] [--fast-ttl] [--dynamodb-port N] [--sqs-port N] [--api-port N] [--param Name=Value]}.
 */
public final class LocalMain {
    private LocalMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = "run";
        boolean fastTtl = false;
        int dynamoPort = 8000;
        int sqsPort = 9324;
        int apiPort = 3001;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "run", "demo", "bench" -> command = args[i];
                case "--fast-ttl" -> fastTtl = true;
                case "--dynamodb-port" -> dynamoPort = Integer.parseInt(args[++i]);
                case "--sqs-port" -> sqsPort = Integer.parseInt(args[++i]);
                case "--api-port" -> apiPort = Integer.parseInt(args[++i]);
                case "--param" -> {
                    String[] kv = args[++i].split("=", 2);
                    params.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    usage();
                    System.exit(2);
                }
            }
        }
        Path root = findRoot();
        switch (command) {
            case "demo" -> System.exit(Demo.run(root));
            case "bench" -> System.exit(Bench.run(root));
            default -> run(LocalRuntime.Options.defaults(root).withFastTtl(fastTtl).withPorts(dynamoPort, sqsPort, apiPort)
                    .withParameters(params));
        }
    }

    private static void run(LocalRuntime.Options options) throws InterruptedException {
        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(options);
        } catch (TemplateException e) {
            System.err.println("template.yaml cannot run locally: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stop.countDown();
        }));
        System.out.println();
        System.out.println("Lapse is running locally (" + (options.fastTtl() ? "fast TTL: due jobs expire within ~1 s"
                : "DynamoDB Local TTL: ~20 items per ~10 s; add --fast-ttl for prompt expiry") + ")");
        System.out.println("  DynamoDB              " + runtime.dynamoEndpoint() + "   (tables: " + runtime.tableName("JobsTable") + ", ...)");
        System.out.println("  SQS                   " + runtime.sqsEndpoint());
        System.out.println("  EventBridge PutEvents " + runtime.apiEndpoint());
        System.out.println("  Lambda Invoke         " + runtime.apiEndpoint() + "   (functions: ScheduleJobFunction, ...)");
        System.out.println("  Schedules             " + runtime.scheduleDescriptions());
        System.out.println("Try:  aws events put-events --endpoint-url " + runtime.apiEndpoint()
                + " --region us-east-1 --entries file://events/put-events-schedule-job.json");
        System.out.println("Stop with Ctrl-C.");
        stop.await();
    }

    private static void usage() {
        System.out.println("usage: ./lapse [run|demo|bench] [--fast-ttl] [--dynamodb-port N] [--sqs-port N] [--api-port N] [--param Name=Value]");
    }

    /** The repository root: the directory holding template.yaml (the working directory or a parent). */
    static Path findRoot() {
        String configured = System.getProperty("lapse.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("template.yaml not found in the working directory or its parents");
    }
}
