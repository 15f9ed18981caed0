package io.sideview.edge;

import io.sideview.storage.FencedWrite;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A unit-test fake of the storage SPI (the real backends have their own contract suite). By default
 * each row of a batch is a separate step, like HBase; {@link #atomic()} makes a whole batch one step,
 * like RocksDB. {@link #crashAt} makes the n-th step throw before it happens, so tests can crash an
 * apply at every step boundary.
 */
public class MemoryKvStore implements KvStore {
    private final ConcurrentSkipListMap<byte[], byte[]> data = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final ConcurrentSkipListMap<byte[], Long> fences = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final boolean claimsAtomic;
    private final boolean atomicSteps;
    private boolean dropIntents;
    private long rowWrites;
    private long crashAt = -1;

    public MemoryKvStore() {
        this(false, false);
    }

    /** {@code claimsAtomic}: what {@link #atomicBatches()} answers; {@code atomicSteps}: whether it is true. */
    MemoryKvStore(boolean claimsAtomic, boolean atomicSteps) {
        this.claimsAtomic = claimsAtomic;
        this.atomicSteps = atomicSteps;
    }

    /** A store whose batches are atomic, and say so. */
    static MemoryKvStore atomic() {
        return new MemoryKvStore(true, true);
    }

    /**
     * A defect to catch: a store that loses every commit intent written to a count row (as an applier
     * without the commit protocol would), so a crash between an apply's writes and its commit is
     * never finished.
     */
    static MemoryKvStore droppingIntents() {
        MemoryKvStore s = new MemoryKvStore();
        s.dropIntents = true;
        return s;
    }

    private boolean isIntent(Write w) {
        return dropIntents && w instanceof Write.Put p && p.key().length > 5 && p.key()[5] == RecordType.COUNT.code
                && RecordCodec.decodeCount(p.value()).intent() != null;
    }

    /** A defect to catch: says its batches are atomic, but a crash can stop one between two rows. */
    static MemoryKvStore falselyAtomic() {
        return new MemoryKvStore(true, false);
    }

    @Override
    public boolean atomicBatches() {
        return claimsAtomic;
    }

    public static final class Crash extends RuntimeException {
        Crash(long step) {
            super("injected crash at row write " + step);
        }
    }

    /** Throw before the n-th step from now (1-based); 0 or less disables. */
    public void crashAt(long n) {
        this.crashAt = n <= 0 ? -1 : rowWrites + n;
    }

    private void step() {
        rowWrites++;
        if (rowWrites == crashAt) {
            crashAt = -1;
            throw new Crash(rowWrites);
        }
    }

    /** Steps so far: row writes, or whole batches when they are atomic. */
    public long steps() {
        return rowWrites;
    }

    /** Every record, hex-keyed, for exact comparison of two stores. */
    public Map<String, String> dump() {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        data.forEach((k, v) -> out.put(hex.formatHex(k), hex.formatHex(v)));
        return out;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        List<byte[]> out = new ArrayList<>();
        keys.forEach(k -> out.add(data.get(k)));
        return out;
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        NavigableMap<byte[], byte[]> view = range.end() == null ? data.tailMap(range.start(), true)
                : Arrays.compareUnsigned(range.start(), range.end()) >= 0 ? new TreeMap<>()
                : data.subMap(range.start(), true, range.end(), false);
        if (reverse) {
            view = view.descendingMap();
        }
        List<KeyValue> out = new ArrayList<>();
        for (var e : view.entrySet()) {
            if (out.size() == limit) {
                break;
            }
            out.add(new KeyValue(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        step();
        data.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        step();
        data.remove(key);
    }

    @Override
    public void write(List<Write> batch) {
        if (atomicSteps) {
            step();
        }
        for (Write w : batch) {
            if (isIntent(w)) {
                continue;
            }
            if (!atomicSteps) {
                step();
            }
            if (w instanceof Write.Put p) {
                data.put(p.key(), p.value());
            } else {
                data.remove(w.key());
            }
        }
    }

    @Override
    public boolean fences() {
        return true;
    }

    /** Real fencing, as HBase's conditional multi-row mutations do it: epochs beside the values. */
    @Override
    public synchronized FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
        FencedWrite.Outcome[] outcomes = new FencedWrite.Outcome[sides.size()];
        for (int i = 0; i < sides.size(); i++) {
            FencedWrite side = sides.get(i);
            Long held = fences.get(side.fenceKey());
            if (held != null && held > epoch) {
                outcomes[i] = FencedWrite.Outcome.FENCED;
            } else if (!side.expects(data.get(side.fenceKey()))) {
                outcomes[i] = FencedWrite.Outcome.CHANGED;
            } else {
                write(side.writes());
                fences.put(side.fenceKey(), epoch);
                outcomes[i] = FencedWrite.Outcome.WRITTEN;
            }
        }
        return outcomes;
    }

    @Override
    public void ping() {}

    @Override
    public void close() {}
}
