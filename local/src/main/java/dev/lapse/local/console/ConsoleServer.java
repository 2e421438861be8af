package dev.lapse.local.console;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The console on its own, for a deployed stack: {@code ./lapse console --stack NAME}, on the loopback only. */
public final class ConsoleServer implements AutoCloseable {
    /** The largest request body the console API reads (its requests are a few hundred bytes). */
    static final int BODY_LIMIT = 64 * 1024;

    private final Server server;
    private final ServerConnector connector;

    public ConsoleServer(int port, ConsoleRoutes routes) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("lapse-console");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                ByteBuffer body = Content.Source.asByteBuffer(request);
                if (body.remaining() > BODY_LIMIT) {
                    Response.writeError(request, response, callback, 413, "console requests are at most " + BODY_LIMIT + " bytes");
                    return true;
                }
                byte[] bytes = new byte[body.remaining()];
                body.get(bytes);
                if (ConsoleRoutes.owns(request.getHttpURI().getPath())) {
                    routes.handle(request, response, callback, bytes);
                } else if (request.getHttpURI().getPath().equals("/")) {
                    Response.sendRedirect(request, response, callback, ConsoleRoutes.PREFIX);
                } else {
                    Response.writeError(request, response, callback, 404, "the console is at " + ConsoleRoutes.PREFIX);
                }
                return true;
            }
        });
        server.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
