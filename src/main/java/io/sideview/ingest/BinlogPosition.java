package io.sideview.ingest;

/**
 * Where a change sits in a shard's binlog, and the edge version derived from it. Versions are
 * monotonic per shard and use one scale for snapshot and stream (invariant 3):
 * {@code fileSeq (20 bits) | pos (32 bits) | row (10 bits)}. A snapshot row read at position P gets
 * {@code version(P, row 0) - 1}, strictly below any change streamed from P on, so a snapshot row can
 * never override a later change.
 */
public record BinlogPosition(String file, long pos, int row) {
    private static final long MAX_FILE_SEQ = (1L << 20) - 1;
    private static final long MAX_POS = (1L << 32) - 1;
    private static final int MAX_ROW = (1 << 10) - 1;

    public long version() {
        long seq = fileSequence(file);
        if (seq > MAX_FILE_SEQ || pos < 0 || pos > MAX_POS) {
            throw new IllegalArgumentException("binlog position out of the version range: " + this);
        }
        // A statement changes each row once, so the same edge twice in one event (beyond row 1023) cannot happen.
        return (seq << 42) | (pos << 10) | Math.min(row, MAX_ROW);
    }

    public long snapshotVersion() {
        return new BinlogPosition(file, pos, 0).version() - 1;
    }

    /** Whether this position is at or past {@code other} in the same server's binlog (the row is ignored). */
    public boolean atOrAfter(BinlogPosition other) {
        long mine = fileSequence(file);
        long theirs = fileSequence(other.file);
        return mine != theirs ? mine > theirs : pos >= other.pos;
    }

    /** The numeric suffix of a binlog file name ({@code binlog.000042} → 42). */
    static long fileSequence(String file) {
        int dot = file == null ? -1 : file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1) {
            throw new IllegalArgumentException("not a binlog file name: " + file);
        }
        return Long.parseLong(file.substring(dot + 1));
    }

    @Override
    public String toString() {
        return file + ":" + pos + (row > 0 ? "#" + row : "");
    }
}
