package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    private final ListenAddress address = new ListenAddress(RuntimeOptions.LOOPBACK);

    @Test
    void aStartWhosePortWasTakenMeanwhileIsTriedAgainOnAnotherFreePort() throws Exception {
        List<Integer> tried = new ArrayList<>();
        int port = address.startOnFreePort(p -> {
            tried.add(p);
            if (tried.size() < 3) {
                throw new IllegalStateException("Bind failed", new BindException("Address already in use"));
            }
            return p;
        }, 5);
        assertThat(tried).hasSize(3);
        assertThat(port).isEqualTo(tried.get(2)).isPositive();
    }

    @Test
    void anyOtherFailureIsThrownAtOnceAndATakenPortOnlyAsOftenAsAllowed() {
        List<Integer> tried = new ArrayList<>();
        assertThatThrownBy(() -> address.startOnFreePort(p -> {
            tried.add(p);
            throw new IllegalStateException("no such interface");
        }, 5)).hasMessage("no such interface");
        assertThat(tried).hasSize(1);

        tried.clear();
        assertThatThrownBy(() -> address.startOnFreePort(p -> {
            tried.add(p);
            throw new IllegalStateException("Bind failed", new BindException("Address already in use"));
        }, 3)).hasRootCauseInstanceOf(BindException.class);
        assertThat(tried).hasSize(3);
    }

    @Test
    void elasticMqOnAPortAnotherProcessHoldsFailsAsATakenPort() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName(RuntimeOptions.LOOPBACK))) {
            var server = SQSRestServerBuilder.withPort(held.getLocalPort()).withInterface(RuntimeOptions.LOOPBACK).start();
            try {
                assertThatThrownBy(server::waitUntilStarted).satisfies(e -> assertThat(ListenAddress.portTaken(e)).isTrue());
            } finally {
                try {
                    server.stopAndWait();
                } catch (RuntimeException ignored) {
                    // never bound
                }
            }
        }
        assertThat(ListenAddress.portTaken(new IllegalStateException("other", new RuntimeException("cause")))).isFalse();
    }
}
