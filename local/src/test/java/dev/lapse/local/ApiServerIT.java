package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The API server's own defence: a client that sends headers and then stalls is answered with an AWS-shaped 408 and
 * disconnected after the idle timeout.
 */
class ApiServerIT {

    @Test
    void aStalledClientIsDisconnectedAfterTheIdleTimeout() throws Exception {
        ExecutorService deliveries = Executors.newSingleThreadExecutor();
        LocalEventBus bus = new LocalEventBus(Set.of("default"), deliveries, "000000000000", "us-east-1");
        LambdaApi lambda = new LambdaApi(name -> null, f -> null, "us-east-1", "000000000000", (f, e, q) -> deliveries.submit(() -> f.invoke(e)));
        try (ApiServer server = new ApiServer("127.0.0.1", 0, bus, lambda, 1000);
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSEvents.PutEvents\r\n"
                    + "Content-Length: 100\r\n\r\n{\"Entries\"").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long t0 = System.nanoTime();

            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the server closes

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(15));
            assertThat(answer).as("an AWS-shaped error, not an HTML page").startsWith("HTTP/1.1 408")
                    .contains("\"__type\":\"RequestTimeoutException\"").doesNotContain("<html", "java.util.concurrent");
        } finally {
            deliveries.shutdownNow();
        }
    }
}
