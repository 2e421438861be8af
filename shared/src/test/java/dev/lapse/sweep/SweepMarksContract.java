package dev.lapse.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the sweep relies on of its mark store ({@link SweepMarks}), run against the in-memory fake
 * ({@code InMemorySweepMarksContractTest}) and the DynamoDB adapter on DynamoDB Local ({@code DynamoAdaptersContractTest}).
 */
public abstract class SweepMarksContract {
    static final Instant AT = Instant.parse("2026-12-01T10:00:20.123Z");
    protected SweepMarks marks;

    /** The store under test, fresh and empty. */
    protected abstract SweepMarks newMarks();

    @BeforeEach
    void emptyStore() {
        marks = newMarks();
    }

    static SweepMarks.Mark mark(Instant at, Duration horizon) {
        return new SweepMarks.Mark(at, horizon);
    }

    @Test
    void aStoreWithoutAMarkAnswersNone() {
        assertThat(marks.last()).isEmpty();
    }

    @Test
    void aMarkComesBackAsItWasToTheMillisecond() {
        SweepMarks.Mark recorded = mark(AT, Duration.ofSeconds(900));
        marks.record(recorded);

        assertThat(marks.last()).contains(recorded);
    }

    @Test
    void aMarkReachingFurtherReplacesTheLastAndOneReachingLessDoesNot() {
        marks.record(mark(AT, Duration.ofSeconds(90)));
        SweepMarks.Mark further = mark(AT.plusSeconds(60), Duration.ofSeconds(90));
        marks.record(further);
        marks.record(mark(AT.plusSeconds(30), Duration.ofSeconds(90)));
        marks.record(new SweepMarks.Mark(further.until().minusSeconds(30), Duration.ofSeconds(30)));

        assertThat(marks.last()).as("a sweep that started earlier, or reached no further, does not move it back").contains(further);
    }
}
