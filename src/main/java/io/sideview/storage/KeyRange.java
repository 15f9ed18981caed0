package io.sideview.storage;

import java.util.Arrays;

/**
 * Keys {@code start <= k < end} in unsigned byte order. An empty start means from the first key;
 * a {@code null} end means to the last.
 */
public record KeyRange(byte[] start, byte[] end) {
    public KeyRange {
        start = start == null ? new byte[0] : start;
    }

    /** Every key that begins with {@code prefix}. */
    public static KeyRange prefix(byte[] prefix) {
        return new KeyRange(prefix, Bytes.successor(prefix));
    }

    public boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end == null || Arrays.compareUnsigned(key, end) < 0);
    }
}
