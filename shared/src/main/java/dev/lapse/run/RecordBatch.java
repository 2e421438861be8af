package dev.lapse.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The workers running the records of one batch, so that calls AWS lets batch (PutEvents: 10 entries) are
 * joined across records without adding latency: an entry waits only while another worker of the batch is
 * still running a record and may add one to the same call. The call goes out when it is full or when every
 * worker waits for a call, has finished, or has stepped {@link #aside} (waiting out a due time, or running an action
 * that puts no event on the bus).
 */
public final class RecordBatch {
    private static final ThreadLocal<RecordBatch> CURRENT = new ThreadLocal<>();

    /** Sends a joined call: one result per entry, in order (an entry's failure is its own result). */
    public interface Call<E, R> {
        List<R> send(List<E> entries);
    }

    private record Waiting<E, R>(Call<E, R> call, List<E> entries, List<CompletableFuture<R>> results) {
    }

    private final Object lock = new Object();
    private final Map<Call<?, ?>, Waiting<?, ?>> waiting = new HashMap<>();
    /** Workers neither waiting for a joined call nor finished: each may still add an entry. */
    private int mayAdd;

    RecordBatch(int workers) {
        this.mayAdd = workers;
    }

    /** Runs one of this batch's workers on the calling thread, until it has no record left. */
    void work(Runnable worker) {
        CURRENT.set(this);
        try {
            worker.run();
        } finally {
            CURRENT.remove();
            List<Waiting<?, ?>> due;
            synchronized (lock) {
                mayAdd--;
                due = dueLocked(null, 0);
            }
            due.forEach(this::send);
        }
    }

    /**
     * Adds {@code entry} to the call {@code call} joined for the calling worker's batch (or sends it alone
     * when the thread runs no batch); returns its result once the call has been sent. A call that failed
     * as a whole is thrown to every worker that had an entry in it.
     */
    public static <E, R> R join(Call<E, R> call, E entry, int maxEntries) {
        RecordBatch batch = CURRENT.get();
        if (batch == null) {
            return call.send(List.of(entry)).get(0);
        }
        return batch.add(call, entry, maxEntries);
    }

    /**
     * Runs {@code pause} (a wait that adds nothing to a call, such as waiting out a due time) with the calling worker
     * stepped aside: meanwhile the batch's joined calls go out without waiting for it, and what it adds afterwards
     * joins the next call. Outside a batch, just runs {@code pause}.
     */
    public static void aside(Runnable pause) {
        aside(() -> {
            pause.run();
            return null;
        });
    }

    /** As {@link #aside(Runnable)}, for work that adds nothing to a call (an action that puts no event on the bus); its result. */
    public static <T> T aside(java.util.function.Supplier<T> work) {
        RecordBatch batch = CURRENT.get();
        if (batch == null) {
            return work.get();
        }
        List<Waiting<?, ?>> due;
        synchronized (batch.lock) {
            batch.mayAdd--;
            due = batch.dueLocked(null, 0);
        }
        due.forEach(batch::send);
        try {
            return work.get();
        } finally {
            synchronized (batch.lock) {
                batch.mayAdd++;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <E, R> R add(Call<E, R> call, E entry, int maxEntries) {
        CompletableFuture<R> result = new CompletableFuture<>();
        List<Waiting<?, ?>> due;
        synchronized (lock) {
            Waiting<E, R> w = (Waiting<E, R>) waiting.computeIfAbsent(call, c -> new Waiting<>(call, new ArrayList<>(), new ArrayList<>()));
            w.entries().add(entry);
            w.results().add(result);
            mayAdd--;
            due = dueLocked(call, maxEntries);
        }
        due.forEach(this::send);
        return await(result);
    }

    /** The calls to send now, taken out of waiting: all when no worker may add, else {@code call} if full. */
    private List<Waiting<?, ?>> dueLocked(Call<?, ?> call, int maxEntries) {
        List<Waiting<?, ?>> due = new ArrayList<>();
        if (mayAdd <= 0) { // below 0 only if work run aside joined a call after all: it is sent rather than left waiting
            due.addAll(waiting.values());
            waiting.clear();
        } else if (call != null && waiting.get(call).entries().size() >= maxEntries) {
            due.add(waiting.remove(call));
        }
        return due;
    }

    private <E, R> void send(Waiting<E, R> w) {
        List<R> results = null;
        Throwable failure = null;
        try {
            results = w.call().send(w.entries());
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        synchronized (lock) {
            mayAdd += w.entries().size(); // their workers run on as soon as they have their result
        }
        for (int i = 0; i < w.results().size(); i++) {
            if (failure != null) {
                w.results().get(i).completeExceptionally(failure);
            } else {
                w.results().get(i).complete(i < results.size() ? results.get(i) : null);
            }
        }
    }

    private static <R> R await(CompletableFuture<R> result) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
