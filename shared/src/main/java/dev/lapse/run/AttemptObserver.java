package dev.lapse.run;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told of every attempt the runner ends (ran, duplicate, deferred, retry scheduled, dead-lettered, not yet due).
 * Observing is best effort: an observer that fails is logged and never changes what the runner did.
 */
@FunctionalInterface
public interface AttemptObserver {
    AttemptObserver NONE = attempt -> { };

    void observe(Attempt attempt);

    /** All of {@code observers}, in order; one that throws does not keep the others from seeing the attempt. */
    static AttemptObserver all(List<AttemptObserver> observers) {
        List<AttemptObserver> copy = List.copyOf(observers);
        Logger log = LoggerFactory.getLogger(AttemptObserver.class);
        return attempt -> {
            for (AttemptObserver observer : copy) {
                try {
                    observer.observe(attempt);
                } catch (RuntimeException e) {
                    log.warn("observer of job {} attempt {} failed: {}", attempt.jobId(), attempt.attempt(), e.toString());
                }
            }
        };
    }
}
