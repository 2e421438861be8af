package dev.lapse.sweep;

import java.util.Optional;

/** The sweep's marks in memory, for the sweep's tests; {@code failing} makes every call throw, as an unreachable table would. */
final class InMemorySweepMarks implements SweepMarks {
    private Mark last;
    boolean failing;
    int recorded;

    @Override
    public synchronized Optional<Mark> last() {
        if (failing) {
            throw new IllegalStateException("DynamoDB unavailable");
        }
        return Optional.ofNullable(last);
    }

    @Override
    public synchronized void record(Mark mark) {
        if (failing) {
            throw new IllegalStateException("DynamoDB unavailable");
        }
        recorded++;
        if (last == null || last.until().isBefore(mark.until())) {
            last = mark;
        }
    }

    synchronized void set(Mark mark) {
        last = mark;
    }
}
