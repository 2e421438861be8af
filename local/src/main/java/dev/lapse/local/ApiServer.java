package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lapse.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints DynamoDB Local and ElasticMQ do not provide: EventBridge {@code PutEvents}
 * (AWS JSON 1.1) and Lambda {@code Invoke} (REST, like {@code sam local start-lambda}), on 127.0.0.1.
 */
final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("api");
    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";

    private final HttpServer server;
    private final LocalEventBus bus;
    private final Function<String, LocalFunction> functions;

    ApiServer(int port, LocalEventBus bus, Function<String, LocalFunction> functions) throws IOException {
        this.bus = bus;
        this.functions = functions;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "lapse-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null && target.startsWith("AWSEvents.")) {
                if (!target.equals("AWSEvents.PutEvents")) {
                    error(exchange, 400, "application/x-amz-json-1.1", "UnknownOperationException",
                            target + " is not supported by the local runtime (only PutEvents)");
                    return;
                }
                JsonNode request = Json.MAPPER.readTree(body);
                respond(exchange, 200, "application/x-amz-json-1.1", Json.write(bus.putEvents(request)), null);
            } else if (path.startsWith(INVOKE_PREFIX) && path.endsWith("/invocations")) {
                String name = URLDecoder.decode(path.substring(INVOKE_PREFIX.length(), path.length() - "/invocations".length()),
                        StandardCharsets.UTF_8);
                if (name.contains(":")) {
                    name = name.substring(name.lastIndexOf(':') + 1);
                }
                LocalFunction function = functions.apply(name);
                if (function == null) {
                    error(exchange, 404, "application/json", "ResourceNotFoundException", "Function not found: " + name);
                    return;
                }
                String invocationType = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
                String payload = body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8);
                if ("Event".equals(invocationType)) {
                    Thread t = new Thread(() -> invokeQuietly(function, payload), "lapse-async-invoke");
                    t.setDaemon(true);
                    t.start();
                    respond(exchange, 202, "application/json", "", null);
                    return;
                }
                try {
                    respond(exchange, 200, "application/json", function.invoke(payload), null);
                } catch (Exception e) {
                    String err = Json.write(Json.object().put("errorMessage", String.valueOf(e.getMessage()))
                            .put("errorType", e.getClass().getName()));
                    respond(exchange, 200, "application/json", err, "Unhandled");
                }
            } else {
                error(exchange, 404, "application/json", "UnknownOperationException", "no local API at " + path);
            }
        } catch (Exception e) {
            LOG.error("request failed: {}", e.toString());
            error(exchange, 500, "application/json", "InternalFailure", String.valueOf(e.getMessage()));
        }
    }

    private static void invokeQuietly(LocalFunction function, String payload) {
        try {
            function.invoke(payload);
        } catch (Exception e) {
            LOG.error("async invocation of {} failed: {}", function.name(), e.toString());
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String code, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", code);
        respond(exchange, status, type, Json.write(Json.object().put("__type", code).put("message", message)), null);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body, String functionError) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (functionError != null) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
