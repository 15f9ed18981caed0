package io.sideview.storage;

import java.util.Arrays;
import java.util.List;

/**
 * One node side's writes under its fence (see {@link KvStore#writeFenced(long, List)}).
 *
 * <p>{@code expected}, when {@code checked}: the value its writer last knew at the fence key (the node
 * side's count row; null: no value). The writes are computed from that state, so they land only while
 * storage still holds it: a zombie's write that landed between the owner's read and its first write
 * (the fence is raised only by that write) makes the owner's write {@link Outcome#CHANGED} instead of
 * silently overwriting it with a count that misses the zombie's rows.
 */
public record FencedWrite(byte[] fenceKey, List<Write> writes, boolean checked, byte[] expected) {
    /** What became of one side. */
    public enum Outcome {
        WRITTEN,
        /** A newer epoch holds the fence: another owner has written the node side since. Nothing written. */
        FENCED,
        /** The fence allows it, but the fence key's value is not the expected one. Nothing written. */
        CHANGED
    }

    /** Writes under the fence only, whatever the fence key holds. */
    public FencedWrite(byte[] fenceKey, List<Write> writes) {
        this(fenceKey, writes, false, null);
    }

    /** Writes under the fence while the fence key holds {@code expected} (null: no value). */
    public static FencedWrite expecting(byte[] fenceKey, List<Write> writes, byte[] expected) {
        return new FencedWrite(fenceKey, writes, true, expected);
    }

    /** Whether {@code held} (the fence key's value now, null: none) is what this write expects. */
    public boolean expects(byte[] held) {
        return !checked || Arrays.equals(expected, held);
    }
}
