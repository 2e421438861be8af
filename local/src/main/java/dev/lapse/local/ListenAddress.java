package dev.lapse.local;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.stream.Stream;

/** The address the local endpoints listen on, the ports they take, and the URI clients reach them by. */
final class ListenAddress {
    private final String host;

    ListenAddress(String host) {
        this.host = host;
    }

    String host() {
        return host;
    }

    /** A free port on this address. */
    int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Starts a server on a port and answers it, or throws. */
    interface PortStart {
        int on(int port) throws IOException;
    }

    /**
     * Starts a server on a free port of this address: a free port can be taken by another process between finding it
     * and binding it (runtimes starting side by side), so a start that fails because the port is taken is tried again on
     * another, {@code attempts} times at most; any other failure is thrown at once.
     */
    int startOnFreePort(PortStart start, int attempts) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return start.on(freePort());
            } catch (RuntimeException | IOException e) {
                if (attempt >= attempts || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    /** Whether a failed start was a port someone else bound (a {@link BindException} among its causes). */
    static boolean portTaken(Throwable failure) {
        return Stream.iterate(failure, t -> t != null, Throwable::getCause).anyMatch(BindException.class::isInstance);
    }

    /** A port given on the command line (option name to port, 0 for any) that another process holds is named before anything starts. */
    void checkFree(Map<String, Integer> requested) {
        requested.forEach((option, port) -> {
            if (port == 0) {
                return;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                throw new PortInUseException("port " + port + " (" + option + ") on " + host + " is in use by another process;"
                        + " stop it or choose another port with " + option + " N");
            }
        });
    }

    /** Where clients reach an endpoint: the loopback address when listening on every interface. */
    URI endpoint(int port) {
        boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String address = any ? RuntimeOptions.LOOPBACK : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + address + ":" + port);
    }

    /** A port of the command line is already taken. */
    public static final class PortInUseException extends RuntimeException {
        PortInUseException(String message) {
            super(message);
        }
    }
}
