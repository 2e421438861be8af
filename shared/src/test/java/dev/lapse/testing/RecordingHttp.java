package dev.lapse.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * A real transport for priming tests: records what is prepared on it, what is aborted and what is sent, by operation
 * ({@code X-Amz-Target}); it refuses to send anything (a call fails). Calls may come from several threads (a batch's
 * workers), so each list is thread-safe and in the order the calls reached it.
 */
public final class RecordingHttp implements SdkHttpClient {
    public final List<String> prepared = new CopyOnWriteArrayList<>();
    public final List<String> aborted = new CopyOnWriteArrayList<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String operation = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?");
        prepared.add(operation);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                requests.add(operation);
                throw new IllegalStateException("sent to AWS");
            }

            @Override
            public void abort() {
                aborted.add(operation);
            }
        };
    }

    @Override
    public void close() {
    }
}
