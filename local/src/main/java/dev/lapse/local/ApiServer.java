package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.local.console.ConsoleRoutes;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints DynamoDB Local and ElasticMQ do not provide: EventBridge (AWS JSON 1.1:
 * PutEvents and the rule operations) and Lambda {@code Invoke} (REST, like
 * {@code sam local start-lambda}). Served by Jetty: request bodies are read without holding
 * a thread, a client that stalls is cut after {@link #IDLE_TIMEOUT_MS}, and the thread pool
 * grows with the load, so a slow client never blocks the others.
 */
final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("api");
    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";
    private static final String JSON_11 = "application/x-amz-json-1.1";
    static final long IDLE_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);
    /** Bodies up to this size are read (and refused when over an operation's limit); larger ones are refused unread. */
    private static final long READ_LIMIT = 64L * 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final LocalEventBus bus;
    private final LambdaApi lambda;
    private volatile ConsoleRoutes console;
    private volatile StackDescription stack;
    private volatile LocalMetrics metrics;

    ApiServer(String host, int port, LocalEventBus bus, LambdaApi lambda) throws Exception {
        this(host, port, bus, lambda, IDLE_TIMEOUT_MS);
    }

    ApiServer(String host, int port, LocalEventBus bus, LambdaApi lambda, long idleTimeoutMs) throws Exception {
        this.bus = bus;
        this.lambda = lambda;
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName("lapse-api");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMs);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                readBody(request, new ByteArrayOutputStream(), 0, (body, failure) -> {
                    if (failure != null) {
                        LOG.debug("request body not received: {}", failure.toString());
                        if (failure instanceof java.util.concurrent.TimeoutException) {
                            // answered as an AWS endpoint answers, not with the server's HTML error page (the socket then closes)
                            error(response, callback, "application/json", new AwsError(408, "RequestTimeoutException",
                                    "the request body did not arrive within " + idleTimeoutMs + " ms of its last byte; send it whole"));
                        } else {
                            callback.failed(failure);
                        }
                        return;
                    }
                    dispatch(request, response, callback, body);
                });
                return true;
            }
        });
        server.start();
    }

    /** Serves the console under {@code /console} from now on. */
    void serveConsole(ConsoleRoutes routes, StackDescription description) {
        this.console = routes;
        this.stack = description;
    }

    /** Answers {@code GET /metrics} from now on. */
    void serveMetrics(LocalMetrics kept) {
        this.metrics = kept;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** A request body: its size, and its bytes unless it was larger than {@link LambdaApi#SYNC_PAYLOAD_LIMIT}. */
    private record Body(long size, byte[] bytes) {
    }

    private interface BodyReader {
        void done(Body body, Throwable failure);
    }

    /** Reads the body as it arrives, holding no thread while waiting; bytes past the largest limit are counted, not kept. */
    private static void readBody(Request request, ByteArrayOutputStream kept, long size, BodyReader done) {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                long sofar = size;
                request.demand(() -> readBody(request, kept, sofar, done));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.done(null, chunk.getFailure());
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            if (size + n <= LambdaApi.SYNC_PAYLOAD_LIMIT) {
                byte[] bytes = new byte[n];
                buffer.get(bytes);
                kept.writeBytes(bytes);
            }
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last || size > READ_LIMIT) {
                done.done(new Body(size, size <= LambdaApi.SYNC_PAYLOAD_LIMIT ? kept.toByteArray() : null), null);
                return;
            }
        }
    }

    private void dispatch(Request request, Response response, Callback callback, Body body) {
        String path = request.getHttpURI().getPath();
        String target = request.getHeaders().get("X-Amz-Target");
        boolean events = target != null && target.startsWith("AWSEvents.");
        ConsoleRoutes routes = console;
        if (routes != null && !events && ConsoleRoutes.owns(path)) {
            routes.handle(request, response, callback, body.bytes() == null ? new byte[0] : body.bytes());
            return;
        }
        LocalMetrics kept = metrics;
        if (kept != null && !events && path.equals("/metrics") && request.getMethod().equals("GET")) {
            respond(response, callback, 200, "application/json", Json.write(kept.snapshot()), null);
            return;
        }
        StackDescription described = stack;
        if (described != null && !events && StackDescription.isQuery(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body.bytes())) {
            try {
                respond(response, callback, 200, "text/xml", described.answer(body.bytes()), null);
            } catch (AwsError e) {
                respond(response, callback, e.status(), "text/xml", StackDescription.error(e), null);
            }
            return;
        }
        try {
            if (events) {
                respond(response, callback, 200, JSON_11, Json.write(events(target.substring("AWSEvents.".length()), body)), null);
            } else if (path.startsWith(INVOKE_PREFIX) && path.endsWith("/invocations")) {
                invoke(request, response, callback, path, body);
            } else {
                throw new AwsError(404, "UnknownOperationException", "no local API at " + request.getMethod() + " " + path
                        + " (here: EventBridge with X-Amz-Target AWSEvents.*, and Lambda POST " + INVOKE_PREFIX + "{FunctionName}/invocations)");
            }
        } catch (AwsError e) {
            error(response, callback, events ? JSON_11 : "application/json", e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed: {}", request.getMethod(), path, e.toString());
            error(response, callback, events ? JSON_11 : "application/json", new AwsError(500, "InternalFailure", String.valueOf(e.getMessage())));
        }
    }

    private JsonNode events(String operation, Body body) {
        if (body.bytes() == null) {
            throw AwsError.validation("Total size of the entries in the request is over the limit: the request has " + body.size()
                    + " bytes, limit " + PutEventsEntries.MAX_REQUEST_BYTES + " bytes (256 KB)");
        }
        JsonNode request;
        try {
            request = body.size() == 0 ? Json.object() : Json.MAPPER.readTree(Json.utf8(body.bytes()));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw AwsError.badRequest("SerializationException", "The request body is not valid UTF-8");
        } catch (Exception e) {
            throw AwsError.badRequest("SerializationException", "The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(request instanceof ObjectNode)) {
            throw AwsError.badRequest("SerializationException", "The request body must be a JSON object, not " + request.getNodeType());
        }
        return switch (operation) {
            case "PutEvents" -> bus.putEvents(request);
            case "PutRule" -> bus.rules().putRule(request);
            case "PutTargets" -> bus.rules().putTargets(request);
            case "RemoveTargets" -> bus.rules().removeTargets(request);
            case "DeleteRule" -> bus.rules().deleteRule(request);
            case "DescribeRule" -> bus.rules().describeRule(request);
            case "ListRules" -> bus.rules().listRules(request);
            case "ListTargetsByRule" -> bus.rules().listTargetsByRule(request);
            default -> throw AwsError.badRequest("UnknownOperationException", "AWSEvents." + operation + " is not supported by the local runtime"
                    + " (supported: PutEvents, PutRule, PutTargets, RemoveTargets, DeleteRule, DescribeRule, ListRules, ListTargetsByRule)");
        };
    }

    private void invoke(Request request, Response response, Callback callback, String path, Body body) {
        String name = URLDecoder.decode(path.substring(INVOKE_PREFIX.length(), path.length() - "/invocations".length()), StandardCharsets.UTF_8);
        Fields query = Request.extractQueryParameters(request);
        String qualifier = query.getValue("Qualifier");
        String type = request.getHeaders().get("X-Amz-Invocation-Type");
        if (body.bytes() == null) {
            throw LambdaApi.tooLarge(type, body.size());
        }
        LambdaApi.Answer answer = lambda.invoke(request.getMethod(), name, qualifier, type, body.bytes());
        if (answer.executedVersion() != null) {
            response.getHeaders().put("X-Amz-Executed-Version", answer.executedVersion());
        }
        respond(response, callback, answer.status(), "application/json", answer.body(), answer.functionError());
    }

    private static void error(Response response, Callback callback, String contentType, AwsError e) {
        response.getHeaders().put("x-amzn-ErrorType", e.code());
        String body = Json.write(Json.object().put("__type", e.code()).put("message", e.getMessage()).put("Type", "User"));
        respond(response, callback, e.status(), contentType, body, null);
    }

    private static void respond(Response response, Callback callback, int status, String contentType, String body, String functionError) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("x-amzn-RequestId", UUID.randomUUID().toString());
        if (functionError != null) {
            response.getHeaders().put("X-Amz-Function-Error", functionError);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("api server stop: {}", e.toString());
        }
    }
}
