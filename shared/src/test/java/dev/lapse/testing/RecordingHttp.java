package dev.lapse.testing;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * A real transport for priming tests: records what is prepared on it, what is aborted and what is sent, by operation
 * ({@code X-Amz-Target}); it refuses to send anything (a call fails).
 */
public final class RecordingHttp implements SdkHttpClient {
    public final List<String> prepared = new ArrayList<>();
    public final List<String> aborted = new ArrayList<>();
    public final List<String> requests = new ArrayList<>();

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
