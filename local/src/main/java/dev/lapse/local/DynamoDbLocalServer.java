package dev.lapse.local;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * DynamoDB Local (in memory, one database for every access key and region) on a chosen address.
 * {@code ServerRunner} and {@link DynamoDBProxyServer} always listen on every interface
 * ({@code new Server(port)}), so this builds the same request handler from DynamoDB Local's
 * public classes, asks {@link DynamoDBProxyServer#setUpHandler} for the handler tree it would
 * serve, and serves it from a Jetty server whose connector listens on {@code host} only.
 * No reflection is involved. Telemetry is configured by {@code ServerRunner} only, so none is sent.
 */
final class DynamoDbLocalServer implements AutoCloseable {
    /**
     * DynamoDB Local's AWS SDK v1 warns on its first request that JAXB is missing and that it falls back to its own
     * Base64 ("you will need to include javax.xml.bind:jaxb-api"): a notice for its developers, alarming in a user's
     * terminal, and nothing is wrong. Held here so the level stays set (java.util.logging keeps loggers weakly).
     */
    static final java.util.logging.Logger SDK_V1_BASE64 = quiet("com.amazonaws.util.Base64");

    private final Server server;
    private final ServerConnector connector;
    private final LocalDynamoDBServerHandler handler;

    DynamoDbLocalServer(String host, int port) throws Exception {
        // (port, inMemory, dbPath, sharedDb, delayTransientStatuses), as ServerRunner passes them for -inMemory -sharedDb
        handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName("dynamodb-local");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        // DynamoDBProxyServer's constructor only builds its (unstarted) Jetty server; it binds nothing.
        server.setHandler(new DynamoDBProxyServer(port, handler).setUpHandler(handler));
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // already stopping
        }
        handler.close();
    }
}
