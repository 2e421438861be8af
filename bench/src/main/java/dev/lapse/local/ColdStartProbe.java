package dev.lapse.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@code ./lapse bench}'s cold-start figure: in a fresh JVM whose classpath
 * starts with a function's shaded jar, unpacked ({@link TaskRoot}), constructs the handler the way Lambda does (no-arg
 * constructor, settings from environment variables), hands it one event, and prints its timings
 * on a line starting with {@link #MARKER}: {@code initMs} (class loading, the constructor with its
 * priming, and for a {@code RequestHandler} the event serializers) and {@code handleMs} (the first event after init). Uses the jar, the
 * Lambda serialization library the Java runtime itself uses for event types, and of the local
 * runtime only {@link LocalContext} and the handler-type lookup.
 *
 * With a second event file named it then waits for that file to appear (the parent writes it after the first answer),
 * hands it over too and prints {@code warmMs}: the same kind of event warm, which shows how much of the first event was
 * the store's and the handler's own work rather than the cold JVM's.
 *
 * <p>{@code java -cp <lapse-lambda.jar unpacked>:<aws-lambda-java-serialization.jar>:<this class>:<LocalContext's> dev.lapse.local.ColdStartProbe <Handler> <event.json> [<second-event.json>]}
 */
public final class ColdStartProbe {
    private static final String MARKER = "LAPSE-COLDSTART ";
    private static final String RESPONSE_MARKER = "LAPSE-COLDSTART-RESPONSE ";
    private static final String WARM_RESPONSE_MARKER = "LAPSE-COLDSTART-WARM-RESPONSE ";

    private ColdStartProbe() {
    }

    /**
     * The timings a child printed ({@code jvmStartEpochMs}, {@code mainEpochMs}, {@code handledEpochMs}, {@code initMs},
     * {@code handleMs}, and {@code warmMs} when it had a second event), if any.
     */
    static Map<String, Long> timings(String output) {
        Map<String, Long> timings = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith(MARKER)) {
                for (String kv : line.substring(MARKER.length()).trim().split(" ")) {
                    String[] p = kv.split("=", 2);
                    timings.put(p[0], Long.parseLong(p[1]));
                }
            }
        }
        return timings;
    }

    /**
     * The first line a child printed that is neither the probe's own nor a JSON object (a log line of Lapse's logger in
     * Lambda, or a metric line), or null: in Lambda every line of a function's output is JSON (README "Logs").
     */
    static String notJson(String output) {
        for (String line : output.split("\n")) {
            // the JVM's own notice of JAVA_TOOL_OPTIONS (the template sets it) comes before any code runs, in Lambda too
            if (line.isBlank() || line.startsWith(MARKER) || line.startsWith(RESPONSE_MARKER) || line.startsWith(WARM_RESPONSE_MARKER)
                    || line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                continue;
            }
            try {
                if (!dev.lapse.json.Json.MAPPER.readTree(line).isObject()) {
                    return line;
                }
            } catch (java.io.IOException e) {
                return line;
            }
        }
        return null;
    }

    /** The handler's answer a child printed, or null. */
    static String response(String output) {
        return line(output, RESPONSE_MARKER);
    }

    /** The handler's answer to the second event, warm ({@code main}'s optional third argument), or null. */
    static String warmResponse(String output) {
        return line(output, WARM_RESPONSE_MARKER);
    }

    private static String line(String output, String marker) {
        String found = null;
        for (String line : output.split("\n")) {
            if (line.startsWith(marker)) {
                found = line.substring(marker.length());
            }
        }
        return found;
    }

    private static Method handleRequest(Class<?> type) {
        Class<?> input = LocalFunction.inputTypeOf(type);
        for (Method m : type.getMethods()) {
            if (m.getName().equals("handleRequest") && !m.isBridge() && m.getParameterCount() == 2 && m.getParameterTypes()[0] == input) {
                return m;
            }
        }
        throw new IllegalStateException("no handleRequest(" + input.getSimpleName() + ", Context) on " + type);
    }

    /** Hands {@code event} to the handler as the Java runtime does, and answers its response as JSON text. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String handle(Object handler, PojoSerializer<Object> in, PojoSerializer<Object> answer, byte[] event, Context context)
            throws Exception {
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(event), out, context);
            return out.toString(StandardCharsets.UTF_8);
        }
        if (handler instanceof RequestHandler requestHandler) {
            Object result = requestHandler.handleRequest(in.fromJson(new ByteArrayInputStream(event)), context);
            if (result == null) {
                return "null";
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            answer.toJson(result, bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        }
        throw new IllegalStateException(handler.getClass().getName() + " implements neither RequestHandler nor RequestStreamHandler");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        long mainEpochMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        String handlerSpec = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        String className = handlerSpec.contains("::") ? handlerSpec.substring(0, handlerSpec.indexOf("::")) : handlerSpec;

        Class<?> type = Class.forName(className);
        Object handler = type.getConstructor().newInstance();
        // Like the Java runtime when it loads a handler: the event and answer serializers are made during init.
        PojoSerializer<Object> in = null;
        PojoSerializer<Object> answer = null;
        if (handler instanceof RequestHandler) {
            Method handle = handleRequest(type);
            in = (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(handle.getParameterTypes()[0], type.getClassLoader());
            answer = (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(handle.getReturnType(), type.getClassLoader());
        }
        long tInit = System.nanoTime();

        Context context = new LocalContext(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", className));
        String response = handle(handler, in, answer, event, context);
        long tHandled = System.nanoTime();
        long jvmStartEpochMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        long handledEpochMs = mainEpochMs + (tHandled - t0) / 1_000_000;
        System.out.println(MARKER + "jvmStartEpochMs=" + jvmStartEpochMs + " mainEpochMs=" + mainEpochMs
                + " handledEpochMs=" + handledEpochMs + " initMs=" + (tInit - t0) / 1_000_000
                + " handleMs=" + (tHandled - tInit) / 1_000_000);
        System.out.println(RESPONSE_MARKER + response.replace('\n', ' '));
        System.out.flush();

        // a second event of the same kind in the same JVM, warm: what the store and the handler's work take. Its file
        // appears once the parent has read the first answer, so that the second event's fixtures (a dead letter, a
        // job) are not there during the first; it is handed over as soon as it is there, as a new invocation.
        if (args.length > 2) {
            Path second = Path.of(args[2]);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(second) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            byte[] warmEvent = Files.readAllBytes(second);
            Context warmContext = new LocalContext(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", className));
            long t = System.nanoTime();
            String warm = handle(handler, in, answer, warmEvent, warmContext);
            System.out.println(MARKER + "warmMs=" + (System.nanoTime() - t) / 1_000_000);
            System.out.println(WARM_RESPONSE_MARKER + warm.replace('\n', ' '));
            System.out.flush();
        }
    }
}
