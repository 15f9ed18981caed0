package io.sideview.storage;

import java.util.Arrays;

/** Byte-array helpers shared by the codecs and the backends. */
public final class Bytes {
    private Bytes() {}

    /**
     * The smallest key greater than every key starting with {@code prefix}, or {@code null} when
     * there is none (the prefix is all 0xFF).
     */
    public static byte[] successor(byte[] prefix) {
        byte[] next = Arrays.copyOf(prefix, prefix.length);
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xFF) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        return null;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
