package io.sideview.storage.rocksdb;

import io.sideview.storage.FencedWrite;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import io.sideview.storage.StorageException;

/**
 * The embedded backend: one RocksDB database under the data dir. Its default comparator is
 * unsigned bytewise, exactly the SPI's order. Writes go through RocksDB's WAL, so a killed process
 * loses nothing it acknowledged; a batch is one atomic WriteBatch (stronger than the SPI needs).
 */
public class RocksKvStore implements KvStore {
    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();

    public RocksKvStore(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        options = new Options().setCreateIfMissing(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10)));
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            options.close();
            throw new StorageException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        try {
            return Optional.ofNullable(db.get(key));
        } catch (RocksDBException e) {
            throw new StorageException("get failed", e);
        }
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        try {
            return db.multiGetAsList(keys);
        } catch (RocksDBException e) {
            throw new StorageException("multiGet failed", e);
        }
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        List<KeyValue> out = new ArrayList<>(Math.min(limit, 1024));
        if (range.end() != null && Arrays.compareUnsigned(range.start(), range.end()) >= 0) {
            return out;
        }
        // Bounds let RocksDB skip whole files outside the range; the slices must outlive the iterator.
        try (Slice lower = new Slice(range.start());
             Slice upper = range.end() == null ? null : new Slice(range.end());
             ReadOptions read = new ReadOptions().setIterateLowerBound(lower)) {
            if (upper != null) {
                read.setIterateUpperBound(upper);
            }
            try (RocksIterator it = db.newIterator(read)) {
                if (reverse) {
                    it.seekToLast();
                } else {
                    it.seekToFirst();
                }
                while (it.isValid() && out.size() < limit) {
                    out.add(new KeyValue(it.key(), it.value()));
                    if (reverse) {
                        it.prev();
                    } else {
                        it.next();
                    }
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw new StorageException("scan failed", e);
        }
        return out;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new StorageException("put failed", e);
        }
    }

    @Override
    public void delete(byte[] key) {
        try {
            db.delete(writeOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("delete failed", e);
        }
    }

    @Override
    public void write(List<Write> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (WriteBatch wb = new WriteBatch()) {
            for (Write w : batch) {
                if (w instanceof Write.Put p) {
                    wb.put(p.key(), p.value());
                } else {
                    wb.delete(w.key());
                }
            }
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        }
    }

    /** One process owns an embedded store (a second node on it is refused): nothing to fence. */
    @Override
    public FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
        List<Write> all = new ArrayList<>();
        sides.forEach(side -> all.addAll(side.writes()));
        write(all);
        FencedWrite.Outcome[] written = new FencedWrite.Outcome[sides.size()];
        Arrays.fill(written, FencedWrite.Outcome.WRITTEN);
        return written;
    }

    /** A WriteBatch is one WAL record: recovery replays all of it or none. */
    @Override
    public boolean atomicBatches() {
        return true;
    }

    /** Writes go to RocksDB's WAL unsynced (fast); this fsyncs it, for all of them at once. */
    @Override
    public void sync() {
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw new StorageException("WAL sync failed", e);
        }
    }

    @Override
    public void ping() {
        db.getLatestSequenceNumber();
    }

    @Override
    public void close() {
        writeOptions.close();
        db.close();
        options.close();
    }
}
