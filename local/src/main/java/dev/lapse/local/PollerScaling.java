package dev.lapse.local;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * How many of an SQS event source's pollers receive, as Lambda scales its pollers with the queue's backlog: one
 * receives while the queue is idle, each receive that brings messages lets one more poller go (a full batch lets them
 * all go), and each receive that comes back empty sends one back to wait. The pollers are numbered from 0; poller
 * {@code i} receives while {@code i} is below the count that may. An idle runtime then makes one receive a second on
 * a queue, not one per poller.
 */
final class PollerScaling {
    private final int pollers;
    private final int batchSize;
    /** How many pollers may receive, 1..pollers; guarded by this. */
    private int receiving = 1;

    PollerScaling(int pollers, int batchSize) {
        if (pollers < 1 || batchSize < 1) {
            throw new IllegalArgumentException("pollers and batch size must be at least 1, not " + pollers + " and " + batchSize);
        }
        this.pollers = pollers;
        this.batchSize = batchSize;
    }

    /**
     * Waits until poller {@code index} may receive; returns false when interrupted while waiting (the runtime is
     * closing), with the thread's interrupt flag set again.
     */
    synchronized boolean awaitTurn(int index) {
        while (index >= receiving) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Poller {@code index}'s turn: waits until it may receive, receives ({@code receive} answers how many messages came),
     * records it; returns how long the poller pauses before its next turn: {@code idlePause} after an empty receive,
     * none otherwise (none either when interrupted while waiting: the runtime is closing, and the poller's loop sees it).
     */
    Duration turn(int index, IntSupplier receive, Duration idlePause) {
        if (!awaitTurn(index)) {
            return Duration.ZERO;
        }
        int messages = receive.getAsInt();
        received(messages);
        return messages == 0 ? idlePause : Duration.ZERO;
    }

    /** Records a receive that brought {@code messages} messages. */
    synchronized void received(int messages) {
        if (messages >= batchSize) {
            receiving = pollers;
        } else if (messages > 0) {
            receiving = Math.min(pollers, receiving + 1);
        } else {
            receiving = Math.max(1, receiving - 1);
        }
        notifyAll();
    }

    /** How many pollers may receive now. */
    synchronized int receiving() {
        return receiving;
    }
}
