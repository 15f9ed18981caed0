package io.sideview.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Identical reads (equal keys) from many threads, run once per wave: while one runs, every caller
 * asking the same waits for the next run, which starts when the running one ends and answers all of
 * them. Exact for the reason {@link ReadBatcher} is: a caller never takes the answer of a run that
 * started before it asked. The caller that opens a run runs it; no extra threads.
 */
final class ReadFlights<K, V> {
    private final Map<K, Flight<V>> next = new HashMap<>(); // present = a run of this key is going on
    private static final Flight<?> NONE = new Flight<>();

    V read(K key, Supplier<V> reader) {
        Flight<V> flight;
        boolean runs;
        boolean runsNow = false;
        synchronized (this) {
            Flight<V> queued = next.get(key);
            if (queued == null) {
                next.put(key, none()); // a run is going on, nobody waits for the next one yet
                flight = new Flight<>();
                runs = runsNow = true;
            } else if (queued == NONE) {
                flight = new Flight<>();
                next.put(key, flight);
                runs = true;
            } else {
                flight = queued;
                runs = false;
            }
        }
        if (runs) {
            if (!runsNow) {
                flight.go.join();
            }
            run(key, flight, reader);
        }
        return ReadBatcher.await(flight.done);
    }

    private void run(K key, Flight<V> flight, Supplier<V> reader) {
        try {
            flight.done.complete(reader.get());
        } catch (RuntimeException | Error e) {
            flight.done.completeExceptionally(e);
        } finally {
            Flight<V> queued;
            synchronized (this) {
                queued = next.get(key);
                if (queued == NONE) {
                    next.remove(key);
                } else {
                    next.put(key, none()); // the queued run starts now; later callers wait for the one after
                }
            }
            if (queued != NONE) {
                queued.go.complete(null);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> Flight<V> none() {
        return (Flight<V>) NONE;
    }

    private static final class Flight<V> {
        final CompletableFuture<Void> go = new CompletableFuture<>();
        final CompletableFuture<V> done = new CompletableFuture<>();
    }
}
