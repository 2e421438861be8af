package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.testing.RecordingHttp;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class BuiltAsideTest {
    private static final HttpExecuteRequest REQUEST = HttpExecuteRequest.builder().request(SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST).protocol("http").host("127.0.0.1").port(1).putHeader("X-Amz-Target", "Test.Op").build()).build();

    @Test
    void anSdkClientIsBuiltWhileTheHttpClientIsStillBeingBuiltAndItsFirstRequestWaitsForIt() throws Exception {
        // Given an HTTP client whose build has not finished
        CountDownLatch release = new CountDownLatch(1);
        RecordingHttp real = new RecordingHttp();
        List<String> order = new CopyOnWriteArrayList<>();
        var http = BuiltAside.start("Recording", () -> {
            await(release);
            order.add("built");
            return real;
        }, () -> order.add("warmed"));

        // When an SDK client is built on it (the builder reads its name, for the user agent), nothing waits
        var dynamo = DynamoDbClient.builder().httpClient(http).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:1"))
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b")).build();
        assertThat(http.clientName()).isEqualTo("Recording");
        assertThat(order).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("lapse-init-http"))
                .as("the build's thread never keeps a function's JVM alive").isNotEmpty().allMatch(Thread::isDaemon);

        // Then a request made before the build ends is prepared on the built client once it is there, and the warm-up follows the build
        Thread caller = new Thread(() -> http.prepareRequest(REQUEST).abort());
        caller.start();
        caller.join(200);
        assertThat(caller.isAlive()).as("the request waits for the build").isTrue();
        release.countDown();
        caller.join(5_000);
        assertThat(real.prepared).containsExactly("Test.Op");
        assertThat(real.aborted).containsExactly("Test.Op");
        waitFor(() -> order.size() == 2);
        assertThat(order).containsExactly("built", "warmed");
        dynamo.close();
    }

    @Test
    void aBuildThatFailedFailsEveryRequestWithItsErrorAndAWarmUpThatFailsChangesNothing() {
        var failed = BuiltAside.start("X", () -> {
            throw new IllegalStateException("no trust store");
        }, () -> {
        });
        assertThatThrownBy(failed::awaitBuilt).isInstanceOf(IllegalStateException.class).hasMessage("no trust store");
        assertThatThrownBy(() -> failed.prepareRequest(REQUEST)).isInstanceOf(IllegalStateException.class).hasMessage("no trust store");
        assertThatThrownBy(() -> failed.prepareRequest(REQUEST)).isInstanceOf(IllegalStateException.class).hasMessage("no trust store");
        var error = BuiltAside.start("E", () -> {
            throw new ExceptionInInitializerError("no class");
        }, () -> {
        });
        assertThatThrownBy(error::awaitBuilt).isInstanceOf(ExceptionInInitializerError.class).hasMessage("no class");

        RecordingHttp real = new RecordingHttp();
        var warmFails = BuiltAside.start("Y", () -> real, () -> {
            throw new IllegalStateException("warm-up");
        });
        assertThat(warmFails.awaitBuilt()).isSameAs(warmFails);
        warmFails.prepareRequest(REQUEST).abort();
        assertThat(real.aborted).containsExactly("Test.Op");
    }

    @Test
    void theNameGivenIsTheUrlConnectionClientsOwnAndCloseClosesTheBuiltClient() {
        try (var real = UrlConnectionHttpClient.builder().build()) {
            assertThat(Lapse.URL_CONNECTION).isEqualTo(real.clientName());
        }
        List<String> closed = new CopyOnWriteArrayList<>();
        var http = BuiltAside.start("Z", () -> new software.amazon.awssdk.http.SdkHttpClient() {
            @Override
            public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
                closed.add("closed");
            }
        }, () -> {
        });
        http.close();
        assertThat(closed).containsExactly("closed");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
    }
}
