package dev.lapse.run;

/**
 * Which threads are priming a function (see {@code dev.lapse.Priming}): the thread that runs the sample, and the
 * {@link PartialBatch} workers it hands records or queries to, so that none of their AWS calls leaves the process.
 */
public final class PrimingThreads {
    private static final ThreadLocal<Boolean> PRIMING = ThreadLocal.withInitial(() -> false);

    private PrimingThreads() {
    }

    /** True on a thread that is priming, while it primes. */
    public static boolean active() {
        return PRIMING.get();
    }

    /** Marks (or unmarks) the current thread as priming. */
    public static void set(boolean priming) {
        PRIMING.set(priming);
    }
}
