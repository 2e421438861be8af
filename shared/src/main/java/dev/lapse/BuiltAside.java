package dev.lapse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * An HTTP client built on a thread of its own while init goes on. Its build (the JDK's TLS set-up, the trust store)
 * and the SDK client builders that use it (DynamoDB's endpoint metadata and rules) need nothing of each other, so on
 * a machine with two cores a cold start does both at once; the first request waits for it.
 * A build that failed throws its error from {@link #awaitBuilt()} and from every request.
 */
final class BuiltAside implements SdkHttpClient {
    private final CompletableFuture<SdkHttpClient> client = new CompletableFuture<>();
    private final String name;

    private BuiltAside(String name, Supplier<SdkHttpClient> build, Runnable thenWarm) {
        this.name = name;
        Thread builder = new Thread(() -> {
            try {
                client.complete(build.get());
            } catch (RuntimeException | Error e) {
                client.completeExceptionally(e);
                return;
            }
            try {
                thenWarm.run();
            } catch (RuntimeException e) {
                // warming only saves time
            }
        }, "lapse-init-http");
        builder.setDaemon(true);
        builder.start();
    }

    /**
     * Starts building with {@code build} now; the same thread then runs {@code thenWarm} (class loading for the first event).
     * {@code name} is the built client's {@link SdkHttpClient#clientName()}.
     */
    static BuiltAside start(String name, Supplier<SdkHttpClient> build, Runnable thenWarm) {
        return new BuiltAside(name, build, thenWarm);
    }

    /** Waits for the build (not the warm-up after it), and throws what the build threw, so that init fails as it would have in line. */
    BuiltAside awaitBuilt() {
        client();
        return this;
    }

    private SdkHttpClient client() {
        try {
            return client.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return client().prepareRequest(request);
    }

    /** The name given at start: the SDK's client builders read it (for the user agent) before any request. */
    @Override
    public String clientName() {
        return name;
    }

    @Override
    public void close() {
        client().close();
    }
}
