package dev.lapse.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.lapse.Lapse;
import dev.lapse.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * A function of the template, its real handler class constructed in-process with a {@link Lapse}
 * wired to the local endpoints. Invocations take and return JSON: a {@code RequestStreamHandler} (every handler of
 * Lapse) reads and writes it itself; a {@code RequestHandler}'s event is decoded with the serializers the Lambda Java
 * runtime uses for event types.
 */
public final class LocalFunction {
    private final String logicalId;
    private final String name;
    private final Object handler;
    private final Class<?> inputType;
    private final PojoSerializer<Object> serializer;
    private final LongAdder invocations = new LongAdder();
    private final LongAdder busyNanos = new LongAdder();

    @SuppressWarnings("unchecked")
    LocalFunction(String logicalId, String name, String handlerSpec, Lapse lapse) {
        this.logicalId = logicalId;
        this.name = name;
        String className = handlerSpec.contains("::") ? handlerSpec.substring(0, handlerSpec.indexOf("::")) : handlerSpec;
        try {
            Class<?> type = Class.forName(className);
            this.handler = type.getConstructor(Lapse.class).newInstance(lapse);
        } catch (ClassNotFoundException e) {
            throw new TemplateException("Resource " + logicalId + ": property Handler names class " + className
                    + ", which is not on the classpath (is its module built?)");
        } catch (NoSuchMethodException e) {
            throw new TemplateException("Resource " + logicalId + ": handler " + className
                    + " has no constructor taking a dev.lapse.Lapse, which the local runtime uses to wire it");
        } catch (ReflectiveOperationException e) {
            throw new TemplateException("Resource " + logicalId + ": handler " + className + " could not be constructed: " + e.getCause(), e);
        }
        if (handler instanceof RequestStreamHandler) {
            this.inputType = null;
            this.serializer = null;
        } else if (handler instanceof RequestHandler<?, ?>) {
            this.inputType = inputTypeOf(handler.getClass());
            this.serializer = (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(inputType, getClass().getClassLoader());
        } else {
            throw new TemplateException("Resource " + logicalId + ": handler " + className + " implements neither RequestHandler nor RequestStreamHandler");
        }
    }

    public String logicalId() {
        return logicalId;
    }

    public String name() {
        return name;
    }

    /** Invokes the handler with a JSON event and returns its JSON answer; a handler exception propagates. */
    public String invoke(String eventJson) throws Exception {
        long started = System.nanoTime();
        try {
            return run(eventJson);
        } finally {
            invocations.increment();
            busyNanos.add(System.nanoTime() - started);
        }
    }

    /** How many times this function was invoked, and for how long in all (what Lambda bills: requests and duration). */
    Invocations invocations() {
        return new Invocations(invocations.sum(), busyNanos.sum());
    }

    /** A count of invocations and their summed duration. */
    record Invocations(long count, long nanos) {
        Invocations since(Invocations before) {
            return new Invocations(count - before.count, nanos - before.nanos);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private String run(String eventJson) throws Exception {
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, context());
            return out.toString(StandardCharsets.UTF_8);
        }
        Object event = serializer.fromJson(eventJson);
        Object result = ((RequestHandler) handler).handleRequest(event, context());
        return result == null ? "null" : Json.write(result);
    }

    /** The item identifiers of a partial batch response ({@code {"batchItemFailures": [{"itemIdentifier": ...}]}}). */
    static java.util.List<String> batchItemFailures(String answer) {
        java.util.List<String> failed = new java.util.ArrayList<>();
        Json.read(answer).path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
        return failed;
    }

    static Class<?> inputTypeOf(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !m.isBridge()
                    && m.getParameterTypes()[1] == Context.class) {
                return m.getParameterTypes()[0];
            }
        }
        throw new IllegalStateException("no handleRequest(T, Context) on " + type);
    }

    private Context context() {
        return new LocalContext(name);
    }
}
