package dev.lapse.local;

import dev.lapse.local.console.ConsoleCommand;
import dev.lapse.observe.LapseLogging;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./lapse [run|demo|bench] [--fast-ttl] [--sweep-every SECONDS] [--host ADDRESS] [--dynamodb-port N] [--sqs-port N]
 * [--api-port N] [--param Name=Value] [--log-format text|json]}.
 * A wrong command line, or a runtime that cannot start, is one line on stderr and a non-zero exit.
 */
public final class LocalMain {
    static final int USAGE = 2;
    static final int FAILED = 1;
    private static final String USAGE_LINE = "usage: ./lapse [run|demo|bench] [--fast-ttl] [--sweep-every SECONDS] [--host ADDRESS]"
            + " [--dynamodb-port N] [--sqs-port N] [--api-port N] [--param Name=Value] [--log-format text|json]";

    private LocalMain() {
    }

    /** A refused command line; its message is the one line printed. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    /** The command line, read. Ports, the sweep's period and the log format are null when not given. */
    record Command(String name, boolean fastTtl, String host, Integer dynamoPort, Integer sqsPort, Integer apiPort,
                   Map<String, String> parameters, boolean help, List<String> runtimeOptions, LapseLogging.Format logFormat,
                   Integer sweepEvery) {
    }

    public static void main(String[] args) {
        int code = execute(args, System.out, System.err);
        System.exit(code);
    }

    /** Runs the command line; returns the exit status ({@code run} returns only when the runtime could not start). */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("console")) {
            return ConsoleCommand.run(args, out, err);
        }
        Command command;
        try {
            command = parse(args);
        } catch (UsageError e) {
            err.println("lapse: " + e.getMessage() + " (./lapse --help)");
            return USAGE;
        }
        if (command.logFormat() != null) {
            LapseLogging.useFormat(command.logFormat()); // the functions' log lines too: they run in this JVM
        }
        if (command.help()) {
            out.println(USAGE_LINE);
            out.println(ConsoleCommand.USAGE);
            return 0;
        }
        try {
            Path root = findRoot();
            RuntimeOptions options = RuntimeOptions.defaults(root).withHost(command.host())
                    .withFastTtl(command.fastTtl()).withParameters(command.parameters());
            if (command.sweepEvery() != null) {
                options = options.withSweepEvery(java.time.Duration.ofSeconds(command.sweepEvery()));
            }
            return switch (command.name()) {
                case "demo" -> Demo.run(options.withPorts(orZero(command.dynamoPort()), orZero(command.sqsPort()), orZero(command.apiPort())));
                case "bench" -> {
                    // the bench is a module of its own (bench/) that depends on this one: its BenchMain handles the command
                    err.println("lapse: bench is not on this classpath: run it as ./lapse bench (main class dev.lapse.local.BenchMain)");
                    yield FAILED;
                }
                default -> run(options.withPorts(orDefault(command.dynamoPort(), 8000), orDefault(command.sqsPort(), 9324),
                        orDefault(command.apiPort(), 3001)), out, err);
            };
        } catch (TemplateException e) {
            err.println("lapse: template.yaml cannot run locally: " + e.getMessage());
        } catch (ListenAddress.PortInUseException e) {
            err.println("lapse: " + e.getMessage());
        } catch (Exception e) {
            err.println("lapse: " + command.name() + " failed: " + e.getMessage());
        }
        return FAILED;
    }

    static Command parse(String[] args) {
        String name = "run";
        boolean fastTtl = false;
        String host = RuntimeOptions.LOOPBACK;
        Integer dynamoPort = null;
        Integer sqsPort = null;
        Integer apiPort = null;
        Map<String, String> params = new LinkedHashMap<>();
        List<String> runtimeOptions = new ArrayList<>();
        LapseLogging.Format logFormat = null;
        Integer sweepEvery = null;
        boolean commandSeen = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "run", "demo", "bench" -> {
                    if (commandSeen) {
                        throw new UsageError("one command only, got " + name + " and " + arg);
                    }
                    commandSeen = true;
                    name = arg;
                }
                case "--fast-ttl" -> {
                    fastTtl = true;
                    runtimeOptions.add(arg);
                }
                case "--sweep-every" -> {
                    sweepEvery = sweepEvery(value(args, i++));
                    runtimeOptions.add(arg);
                }
                case "--host" -> {
                    host = host(value(args, i++));
                    runtimeOptions.add(arg);
                }
                case "--dynamodb-port" -> {
                    dynamoPort = port(arg, value(args, i++));
                    runtimeOptions.add(arg);
                }
                case "--sqs-port" -> {
                    sqsPort = port(arg, value(args, i++));
                    runtimeOptions.add(arg);
                }
                case "--api-port" -> {
                    apiPort = port(arg, value(args, i++));
                    runtimeOptions.add(arg);
                }
                case "--param" -> {
                    String kv = value(args, i++);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new UsageError("--param takes Name=Value (a template parameter), got \"" + kv + "\"");
                    }
                    params.put(kv.substring(0, eq), kv.substring(eq + 1));
                    runtimeOptions.add(arg);
                }
                case "--log-format" -> {
                    String format = value(args, i++);
                    try {
                        logFormat = LapseLogging.format(format);
                    } catch (IllegalArgumentException e) {
                        throw new UsageError("--log-format \"" + format + "\" is not one of: text (readable, the default), json (one object per line, as in Lambda)");
                    }
                }
                case "-h", "--help" -> {
                    return new Command(name, fastTtl, host, dynamoPort, sqsPort, apiPort, params, true, runtimeOptions, logFormat, sweepEvery);
                }
                default -> throw new UsageError("unknown " + (arg.startsWith("-") ? "option " : "command ") + "\"" + arg
                        + "\"; commands: run, demo, bench; options: --fast-ttl, --sweep-every, --host, --dynamodb-port, --sqs-port, --api-port, --param,"
                        + " --log-format");
            }
        }
        distinct("--dynamodb-port", dynamoPort, "--sqs-port", sqsPort);
        distinct("--dynamodb-port", dynamoPort, "--api-port", apiPort);
        distinct("--sqs-port", sqsPort, "--api-port", apiPort);
        return new Command(name, fastTtl, host, dynamoPort, sqsPort, apiPort, params, false, List.copyOf(runtimeOptions), logFormat,
                sweepEvery);
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageError(args[i] + " needs a value" + switch (args[i]) {
                case "--host" -> ": --host ADDRESS (127.0.0.1 by default; 0.0.0.0 listens on every interface)";
                case "--param" -> ": --param Name=Value";
                case "--log-format" -> ": --log-format text|json";
                case "--sweep-every" -> ": --sweep-every SECONDS, from 1 to 60";
                default -> ": " + args[i] + " N, a port from 1 to 65535";
            });
        }
        return args[i + 1];
    }

    /** --sweep-every: the sweep's period in seconds, 1 to 60 (the template's is a minute). */
    private static int sweepEvery(String value) {
        int seconds;
        try {
            seconds = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 60) {
            throw new UsageError("--sweep-every \"" + value + "\" is not a number of seconds from 1 to 60 (the sweep's period; the template's is 60)");
        }
        return seconds;
    }

    private static int port(String option, String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageError(option + " \"" + value + "\" is not a port: give a number from 1 to 65535");
        }
        if (port < 1 || port > 65535) {
            throw new UsageError(option + " " + port + " is out of range: give a port from 1 to 65535");
        }
        return port;
    }

    private static void distinct(String a, Integer portA, String b, Integer portB) {
        if (portA != null && portA.equals(portB)) {
            throw new UsageError(a + " and " + b + " are both " + portA + ": each endpoint needs its own port");
        }
    }

    /** An address of this machine (or 0.0.0.0 / :: for every interface). */
    private static String host(String value) {
        InetAddress address;
        try {
            address = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new UsageError("--host \"" + value + "\" is not an address: give an IP address of this machine, such as 127.0.0.1 or 0.0.0.0");
        }
        try {
            if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
                throw new UsageError("--host " + value + " is not an address of this machine: give 127.0.0.1 (the default),"
                        + " 0.0.0.0 (every interface) or the address of one of its interfaces");
            }
        } catch (SocketException e) {
            throw new UsageError("--host " + value + ": the machine's interfaces cannot be read (" + e.getMessage() + ")");
        }
        return address.getHostAddress();
    }

    private static int orZero(Integer port) {
        return port == null ? 0 : port;
    }

    private static int orDefault(Integer port, int fallback) {
        return port == null ? fallback : port;
    }

    private static int run(RuntimeOptions options, PrintStream out, PrintStream err) throws InterruptedException {
        // this JVM's shutdown hook below stops ElasticMQ; its actor system need not add one of its own, which it tries
        // to do as it stops, and warns that it cannot ("Shutdown in progress") on every Ctrl-C
        System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        // and DynamoDB Local's Log4j, when it first logs as the JVM stops, warns that it cannot add its own either
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        LocalRuntime runtime = LocalRuntime.start(options);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stop.countDown();
        }));
        out.println();
        out.println("Lapse is running locally (" + (options.fastTtl() ? "fast TTL: " + FAST_TTL_TIMING
                : "DynamoDB Local TTL: ~20 items per ~10 s; add --fast-ttl for prompt expiry") + ")");
        out.println("  DynamoDB              " + runtime.dynamoEndpoint() + "   (tables: " + runtime.tableName("JobsTable") + ", ...)");
        out.println("  SQS                   " + runtime.sqsEndpoint());
        out.println("  EventBridge           " + runtime.apiEndpoint() + "   (PutEvents, PutRule, PutTargets, ListRules, ...)");
        out.println("  Lambda Invoke         " + runtime.apiEndpoint() + "   (functions: ScheduleJobFunction, ...)");
        out.println("  Console               " + runtime.apiEndpoint() + "/console");
        out.println("  Schedules             " + runtime.scheduleDescriptions());
        if (!options.host().equals(RuntimeOptions.LOOPBACK)) {
            out.println("  Listening on " + options.host() + ": reachable from the network, with any credentials");
        }
        out.println("Try, from another terminal:  aws events put-events --endpoint-url " + runtime.apiEndpoint()
                + " --region us-east-1 --entries file://events/put-events-schedule-job.json");
        out.println("Stop with Ctrl-C.");
        stop.await();
        return 0;
    }

    /** How prompt --fast-ttl is; the README says the same. */
    static final String FAST_TTL_TIMING = "an expired item is deleted within ~0.1 s of its ttl second, so at most ~1 s after the job's due time (a little later on a busy store)";

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
        throw new IllegalStateException("template.yaml not found in the working directory or its parents: run ./lapse from the repository");
    }
}
