package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * How many connections a function's HTTP client opens for waves of 10 calls at once (a batch's records), each case in a
 * fresh JVM: the JDK reads its keep-alive setting once, the first time it keeps a connection for reuse.
 */
class UrlConnectionsTest {
    static final int WAVES = 5;
    static final int AT_ONCE = 10;

    /** The child: serves and calls {@link #WAVES} waves of {@link #AT_ONCE} requests; prints the connections the server saw. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            SdkHttpClient client = "kept".equals(args[0]) ? UrlConnections.client(AT_ONCE) : UrlConnectionHttpClient.builder().build();
            Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
            // each wave's calls are all open at once: the server answers none of them before it has all ten
            CyclicBarrier allOpen = new CyclicBarrier(AT_ONCE);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(Executors.newFixedThreadPool(2 * AT_ONCE));
            server.createContext("/", exchange -> {
                clientPorts.add(exchange.getRemoteAddress().getPort());
                try {
                    allOpen.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("a wave's calls were not all open at once", e);
                }
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            ExecutorService callers = Executors.newFixedThreadPool(AT_ONCE);
            for (int wave = 0; wave < WAVES; wave++) {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < AT_ONCE; i++) {
                    calls.add(callers.submit(() -> {
                        SdkHttpFullRequest request = SdkHttpFullRequest.builder().uri(uri).method(SdkHttpMethod.GET).build();
                        try (InputStream body = client.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call()
                                .responseBody().orElseThrow()) {
                            body.readAllBytes();
                        }
                        return null;
                    }));
                }
                for (Future<?> call : calls) {
                    call.get();
                }
            }
            callers.shutdown();
            server.stop(0);
            System.out.println("connections=" + clientPorts.size());
            System.exit(0);
        }
    }

    static int connections(String client, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), client));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Integer.parseInt(output.lines().filter(l -> l.startsWith("connections=")).findFirst().orElseThrow().substring(12));
    }

    @Test
    void aFunctionsClientKeepsItsConnectionsBetweenWavesOfTenCalls() throws Exception {
        assertThat(connections("kept")).isEqualTo(AT_ONCE);
    }

    @Test
    void theJdksDefaultOfFiveKeptConnectsAgainInEveryWave() throws Exception {
        assertThat(connections("default")).as("5 kept: each wave after the first opens 5 again").isEqualTo(AT_ONCE + (WAVES - 1) * 5);
    }

    @Test
    void aSettingTheJvmWasStartedWithStays() throws Exception {
        assertThat(connections("kept", "-Dhttp.maxConnections=2")).isEqualTo(AT_ONCE + (WAVES - 1) * 8);
    }
}
