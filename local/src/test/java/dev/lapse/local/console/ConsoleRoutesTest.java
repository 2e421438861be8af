package dev.lapse.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP side, request by request with every header under the test's control (a raw socket): only a JSON
 * POST from the console's own page, with its session cookie and token, reaches the backend.
 */
class ConsoleRoutesTest {
    static final String CANCEL = "{\"detail-type\":\"Cancel Job\",\"detail\":{\"jobId\":\"j-1\"}}";

    final FakeBackend backend = new FakeBackend();
    final ConsoleRoutes routes = new ConsoleRoutes(backend);
    ConsoleServer server;
    String host;
    String session;
    String token;

    record Reply(int status, String headers, String body) {
    }

    @BeforeEach
    void start() throws Exception {
        server = new ConsoleServer(0, routes);
        host = "127.0.0.1:" + server.port();
        Reply page = send("GET /console HTTP/1.1\r\nHost: " + host + "\r\n", "");
        assertThat(page.status()).isEqualTo(200);
        Matcher cookie = Pattern.compile("(?i)set-cookie: lapse-console=([^;]+); Path=/console; HttpOnly; SameSite=Strict").matcher(page.headers());
        assertThat(cookie.find()).as("a SameSite=Strict, HttpOnly session cookie: %s", page.headers()).isTrue();
        session = cookie.group(1);
        Matcher meta = Pattern.compile("<meta name=\"lapse-token\" content=\"([^\"]+)\">").matcher(page.body());
        assertThat(meta.find()).isTrue();
        token = meta.group(1);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    Reply send(String head, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(0, split), text.substring(split + 4));
        }
    }

    Reply post(String path, String extraHeaders, String body) throws IOException {
        return send("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n" + extraHeaders, body);
    }

    String own() {
        return "Cookie: lapse-console=" + session + "\r\nX-Lapse-Console-Token: " + token + "\r\n";
    }

    @Test
    void thePagesOwnRequestReachesTheBackend() throws IOException {
        Reply reply = post("/console/api/request", own() + "Origin: http://" + host + "\r\nSec-Fetch-Site: same-origin\r\n", CANCEL);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(Json.read(reply.body()).path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(backend.requests).singleElement().satisfies(r -> assertThat(r.path("detail").path("jobId").asText()).isEqualTo("j-1"));
    }

    @Test
    void aRequestWithoutTheTokenOrWithAnotherSessionsTokenIsRefused() throws IOException {
        assertRefused(post("/console/api/request", "Cookie: lapse-console=" + session + "\r\n", CANCEL), "no console session");
        assertRefused(post("/console/api/request", "X-Lapse-Console-Token: " + token + "\r\n", CANCEL), "no console session");
        assertRefused(post("/console/api/request", "Cookie: lapse-console=" + "A".repeat(32) + "\r\nX-Lapse-Console-Token: " + token + "\r\n",
                CANCEL), "does not match");
        assertRefused(post("/console/api/request", "Cookie: lapse-console=" + session + "\r\nX-Lapse-Console-Token: " + token + "x\r\n",
                CANCEL), "does not match");
        assertThat(backend.requests).isEmpty();
        assertThat(routes.refusedCount()).isEqualTo(4);
    }

    @Test
    void aRequestFromAnotherOriginOrSiteIsRefusedEvenWithTheToken() throws IOException {
        assertRefused(post("/console/api/request", own() + "Origin: http://evil.example\r\n", CANCEL), "origin http://evil.example");
        assertRefused(post("/console/api/request", own() + "Origin: null\r\n", CANCEL), "origin null");
        assertRefused(post("/console/api/request", own() + "Sec-Fetch-Site: cross-site\r\n", CANCEL), "cross-site");
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void aFormPostOrAGetIsRefused() throws IOException {
        assertRefused(send("POST /console/api/request HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n" + own(), CANCEL),
                "Content-Type application/json");
        assertRefused(send("GET /console/api/figures HTTP/1.1\r\nHost: " + host + "\r\n" + own(), ""), "POST only");
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void aHostNameOtherThanTheLoopbackIsRefusedAgainstDnsRebinding() throws IOException {
        Reply page = send("GET /console HTTP/1.1\r\nHost: attacker.example:" + server.port() + "\r\n", "");
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("loopback").doesNotContain("lapse-token");
        Reply api = send("POST /console/api/request HTTP/1.1\r\nHost: attacker.example\r\nContent-Type: application/json\r\n" + own(), CANCEL);
        assertThat(api.status()).isEqualTo(403);
        assertThat(backend.requests).isEmpty();
        assertThat(send("GET /console HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\n", "").status()).isEqualTo(200);
    }

    @Test
    void onlyTheConsolesRequestsArePassedOnAndBadBodiesAreRefused() throws IOException {
        Reply schedule = post("/console/api/request", own(), "{\"detail-type\":\"Schedule Job\",\"detail\":{}}");
        assertThat(Json.read(schedule.body()).path("error").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(Json.read(schedule.body()).path("message").asText()).contains("Schedule Job").contains("Cancel Job");
        assertThat(post("/console/api/request", own(), "[1]").status()).isEqualTo(400);
        assertThat(post("/console/api/request", own(), "not json").status()).isEqualTo(400);
        Reply replay = post("/console/api/replay", own(), "{}");
        assertThat(Json.read(replay.body()).path("message").asText()).contains("jobId");
        assertThat(post("/console/api/drop-tables", own(), "{}").status()).isEqualTo(404);
        assertThat(backend.requests).isEmpty();
        assertThat(backend.replays).isEmpty();
    }

    @Test
    void thePageIsServedWithAPolicyThatRunsOnlyItsOwnScript() throws IOException {
        Reply page = send("GET /console HTTP/1.1\r\nHost: " + host + "\r\nCookie: lapse-console=" + session + "\r\n", "");
        assertThat(page.headers()).containsIgnoringCase("Content-Security-Policy: default-src 'none'; script-src 'self';")
                .containsIgnoringCase("X-Content-Type-Options: nosniff");
        assertThat(page.headers()).as("a reload keeps the session").containsIgnoringCase("Set-Cookie: lapse-console=" + session + ";");
        assertThat(page.body()).contains("content=\"" + token + "\"");
        Reply script = send("GET /console/console.js HTTP/1.1\r\nHost: " + host + "\r\n", "");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body()).contains("textContent").doesNotContain("innerHTML");
    }

    static void assertRefused(Reply reply, String why) {
        assertThat(reply.status()).isEqualTo(403);
        assertThat(Json.read(reply.body()).path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(Json.read(reply.body()).path("message").asText()).contains(why);
    }
}
