package io.sideview.storage;

import java.util.List;
import java.util.Optional;

/**
 * The ordered key-value contract every view-storage backend meets (RocksDB embedded, HBase).
 * Keys compare as unsigned bytes. Each single-row write is atomic; a batch is applied in order and
 * each of its rows atomically. A batch as a whole is atomic only where {@link #atomicBatches()} says
 * so (RocksDB; HBase cannot): the edge engine's apply protocol works with single-row atomicity and
 * uses atomic batches, where they exist, to write less.
 */
public interface KvStore extends AutoCloseable {

    Optional<byte[]> get(byte[] key);

    /** Values in the order of {@code keys}; {@code null} where a key is absent. */
    List<byte[]> multiGet(List<byte[]> keys);

    /**
     * Up to {@code limit} entries with keys in {@code range}: ascending, or descending when
     * {@code reverse} (then the first entry is the greatest key below {@code range.end()}).
     */
    List<KeyValue> scan(KeyRange range, boolean reverse, int limit);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** Applies the writes in order; each row atomically. */
    void write(List<Write> batch);

    /**
     * Applies each node side's writes only if its fence, kept beside the value of its fence key, holds
     * no epoch above {@code epoch}, and sets the fence to {@code epoch}: check and writes in one atomic
     * step per side. A side is refused (false, nothing of it written) when a newer epoch holds its
     * fence, that is when another owner has written that node side since this one lost it (design
     * §10). A backend that only ever has one writer process (RocksDB, refused in cluster mode) just
     * writes. Each side's keys must share its fence key's first byte (its salt bucket), which a salted
     * HBase table keeps in one region. A side that {@linkplain FencedWrite#checked checks} its fence
     * key's value is also refused ({@link FencedWrite.Outcome#CHANGED}) when that value is not the
     * expected one: someone wrote the node side after its writer read it.
     *
     * @return per side, in order, what became of it
     */
    FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides);

    /**
     * Whether {@link #writeFenced} really refuses an older epoch: HBase on a table with the endpoint
     * and split policy it needs; not RocksDB (one process) nor an HBase table created before fencing.
     */
    default boolean fences() {
        return false;
    }

    /** {@link #writeFenced(long, List)} for one node side. */
    default boolean writeFenced(byte[] fenceKey, long epoch, List<Write> batch) {
        return writeFenced(epoch, List.of(new FencedWrite(fenceKey, batch)))[0] == FencedWrite.Outcome.WRITTEN;
    }

    /**
     * Deletes every key in {@code range}, page by page (each page one batch); returns how many were
     * deleted. Not atomic: a crash leaves the rest, and running it again finishes it.
     */
    default long deleteRange(KeyRange range) {
        long deleted = 0;
        while (true) {
            List<KeyValue> page = scan(range, false, 1000);
            if (page.isEmpty()) {
                return deleted;
            }
            write(page.stream().<Write>map(kv -> new Write.Delete(kv.key())).toList());
            deleted += page.size();
        }
    }

    /**
     * True when {@link #write} applies a whole batch atomically, also across a crash: afterwards
     * either every write of it is in storage or none is.
     */
    default boolean atomicBatches() {
        return false;
    }

    /**
     * Makes every write acknowledged so far durable against a machine crash, not only a process
     * crash. Called before source offsets are committed and before a write API answers, once per
     * batch. RocksDB syncs its WAL; HBase syncs its WAL on every write, so it has nothing to do.
     */
    default void sync() {}

    /** A cheap round trip to the backend, for health checks. */
    void ping();

    @Override
    void close();
}
