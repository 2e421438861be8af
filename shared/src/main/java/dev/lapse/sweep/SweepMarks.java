package dev.lapse.sweep;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the last clean sweep got to, kept between invocations (and containers), so that a sweep reads only the
 * buckets that can have changed since, instead of the whole window ({@link DueJobsSweep}).
 */
public interface SweepMarks {
    /**
     * A clean sweep: made at {@code at} with {@code horizon}, it read every bucket up to {@link #until()} and the
     * due-jobs queue accepted every job it found due by then.
     */
    record Mark(Instant at, Duration horizon) {
        /** How far the sweep reached: {@code at} + {@code horizon}. */
        public Instant until() {
            return at.plus(horizon);
        }
    }

    /** The last mark recorded, if any. */
    Optional<Mark> last();

    /** Records a mark, unless one that reaches further ({@code until}) is recorded already. */
    void record(Mark mark);

    /** No memory: every sweep reads its whole window. */
    SweepMarks NONE = new SweepMarks() {
        @Override
        public Optional<Mark> last() {
            return Optional.empty();
        }

        @Override
        public void record(Mark mark) {
        }
    };
}
