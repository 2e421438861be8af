package dev.lapse.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side, under {@code /console}: the page and its two files, and a small JSON API that passes
 * Lapse's own requests to a {@link ConsoleBackend}.
 *
 * <p>Cross-site requests are refused: the page carries a token bound to a {@code SameSite=Strict} session cookie,
 * and every API call must be a JSON POST with that token in {@code X-Lapse-Console-Token}, a matching cookie, an
 * {@code Origin} (when the browser sends one) equal to the console's own, and a {@code Host} on the loopback
 * (so a rebound DNS name cannot reach it). The page's Content-Security-Policy allows only its own script.
 */
public final class ConsoleRoutes {
    public static final String PREFIX = "/console";
    static final String COOKIE = "lapse-console";
    static final String TOKEN_HEADER = "X-Lapse-Console-Token";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The requests the console may pass to the scheduling function. */
    static final Set<String> REQUESTS = Set.of("Get Job", "List Jobs", "Cancel Job");
    private static final Map<String, String> FILES = Map.of("console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
    private static final Logger LOG = LoggerFactory.getLogger("console");

    private final ConsoleBackend backend;
    private final byte[] secret = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger refused = new AtomicInteger();

    public ConsoleRoutes(ConsoleBackend backend) {
        this.backend = backend;
        random.nextBytes(secret);
    }

    /** Whether {@code path} is the console's; the API server passes those here. */
    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    public void handle(Request request, Response response, Callback callback, byte[] body) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        try {
            if (!loopbackHost(request)) {
                send(response, callback, 403, "application/json", error("FORBIDDEN", "the console answers only on the loopback"
                        + " (Host 127.0.0.1 or localhost), not on Host " + request.getHeaders().get(HttpHeader.HOST)));
            } else if ((path.equals(PREFIX) || path.equals(PREFIX + "/")) && method.equals("GET")) {
                page(request, response, callback);
            } else if (path.startsWith(PREFIX + "/api/")) {
                api(request, response, callback, path.substring((PREFIX + "/api/").length()), body);
            } else if (method.equals("GET") && FILES.containsKey(path.substring(PREFIX.length() + 1))) {
                String name = path.substring(PREFIX.length() + 1);
                send(response, callback, 200, FILES.get(name), resource(name));
            } else {
                send(response, callback, 404, "application/json", error("NOT_FOUND", "no console page at " + method + " " + path
                        + " (the console is GET " + PREFIX + ")"));
            }
        } catch (RuntimeException e) {
            LOG.warn("console {} {} failed: {}", method, path, e.toString());
            send(response, callback, 502, "application/json", error("BACKEND_FAILED", String.valueOf(e.getMessage())));
        }
    }

    private void page(Request request, Response response, Callback callback) {
        // One session per browser: a page opened again (another tab, a reload) keeps the session its others use.
        String session = cookie(request);
        if (session == null || !session.matches("[A-Za-z0-9_-]{32}")) {
            byte[] id = new byte[24];
            random.nextBytes(id);
            session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        }
        String html = resource("console.html").replace("{{token}}", token(session)).replace("{{source}}", escape(backend.describe()));
        response.getHeaders().put(HttpHeader.SET_COOKIE, COOKIE + "=" + session + "; Path=" + PREFIX + "; HttpOnly; SameSite=Strict");
        send(response, callback, 200, "text/html; charset=utf-8", html);
    }

    private void api(Request request, Response response, Callback callback, String operation, byte[] body) {
        String refusal = refusal(request);
        if (refusal != null) {
            refused.incrementAndGet();
            LOG.warn("console refused {} {}: {}", request.getMethod(), request.getHttpURI().getPath(), refusal);
            send(response, callback, 403, "application/json", error("FORBIDDEN", refusal));
            return;
        }
        JsonNode input;
        try {
            input = Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            send(response, callback, 400, "application/json", error("INVALID_REQUEST", "the body must be a JSON object"));
            return;
        }
        JsonNode answer = switch (operation) {
            case "request" -> {
                String type = input.path("detail-type").asText("");
                if (!REQUESTS.contains(type)) {
                    yield errorNode("INVALID_REQUEST", "detail-type is \"" + type + "\"; the console sends " + REQUESTS.stream().sorted().toList());
                }
                yield backend.request(input);
            }
            case "replay" -> {
                String jobId = input.path("jobId").asText("");
                if (jobId.isEmpty()) {
                    yield errorNode("INVALID_REQUEST", "jobId is missing; replay takes {\"jobId\": \"<a dead-lettered job's id>\"}");
                }
                yield backend.replay(Json.object().put("source", "dead-letters").put("jobId", jobId));
            }
            case "figures" -> ((ObjectNode) backend.figures().deepCopy()).put("source", backend.describe());
            default -> null;
        };
        if (answer == null) {
            send(response, callback, 404, "application/json", error("NOT_FOUND", "no console API " + operation
                    + " (request, replay, figures)"));
            return;
        }
        send(response, callback, 200, "application/json", Json.write(answer));
    }

    /** How many API calls were refused as possibly cross-site. */
    int refusedCount() {
        return refused.get();
    }

    /** Why an API call is refused as possibly cross-site, or null when it comes from the console's own page. */
    String refusal(Request request) {
        if (!request.getMethod().equals("POST")) {
            return "the console API takes POST only";
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String own = "http://" + request.getHeaders().get(HttpHeader.HOST);
        if (origin != null && !origin.equals(own)) {
            return "a request from origin " + origin + " is refused (only " + own + ")";
        }
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return "a " + site + " request is refused (Sec-Fetch-Site must be same-origin)";
        }
        String contentType = String.valueOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (!contentType.startsWith("application/json")) {
            return "the console API takes Content-Type application/json, not " + contentType;
        }
        String session = cookie(request);
        String token = request.getHeaders().get(TOKEN_HEADER);
        if (session == null || token == null) {
            return "no console session: open " + PREFIX + " first (the page holds the token)";
        }
        if (!MessageDigest.isEqual(token(session).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII))) {
            return "the console token does not match this session: reload " + PREFIX;
        }
        return null;
    }

    private static String cookie(Request request) {
        for (String header : request.getHeaders().getValuesList(HttpHeader.COOKIE)) {
            for (String part : header.split(";")) {
                List<HttpCookie> cookies;
                try {
                    cookies = HttpCookie.parse(part.trim());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                for (HttpCookie c : cookies) {
                    if (c.getName().equals(COOKIE)) {
                        return c.getValue();
                    }
                }
            }
        }
        return null;
    }

    private String token(String session) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(session.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean loopbackHost(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null) {
            return false;
        }
        int colon = host.lastIndexOf(':');
        String name = colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
        return LOOPBACK_HOSTS.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    private static String error(String code, String message) {
        return Json.write(Json.object().put("ok", false).put("error", code).put("message", message));
    }

    private static JsonNode errorNode(String code, String message) {
        return Json.read(error(code, message));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String resource(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("console file " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
