package dev.lapse;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK's URL-connection HTTP client, with the JDK's keep-alive cache sized for the calls made at once.
 *
 * <p>That client has no pool of its own: the JDK keeps idle connections for it, at most {@value #PROPERTY} per host,
 * 5 unless told otherwise. A batch runs {@link dev.lapse.run.PartialBatch#CONCURRENCY} (10) records at once, each
 * calling DynamoDB, so with 5 kept half the connections of every wave were closed after it and opened again for the
 * next: 182–214 new connections for 500 calls in waves of 10 here (DynamoDB Local), 10 when 10 are kept; on AWS each of
 * them is a TLS handshake with DynamoDB.
 */
public final class UrlConnections {
    /** The JDK's setting, read once, the first time the JVM keeps a connection for reuse. */
    static final String PROPERTY = "http.maxConnections";

    private UrlConnections() {
    }

    /**
     * The client, the JDK told to keep up to {@code keptPerHost} idle connections per host, unless the JVM was started
     * with {@code -Dhttp.maxConnections} (that stays). Takes effect only in a JVM that has kept no HTTP connection for
     * reuse yet, as a function's init has not (priming answers its calls in-process); in the local runtime's JVM, the
     * first setting wins.
     */
    public static SdkHttpClient client(int keptPerHost) {
        keepPerHost(keptPerHost);
        return UrlConnectionHttpClient.builder().build();
    }

    static void keepPerHost(int connections) {
        String set = System.getProperty(PROPERTY);
        if (set == null || set.isBlank()) {
            System.setProperty(PROPERTY, Integer.toString(connections));
        }
    }
}
