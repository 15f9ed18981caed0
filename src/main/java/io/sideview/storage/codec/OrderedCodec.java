package io.sideview.storage.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Order-preserving, self-delimiting encodings: for two values of one type, unsigned byte order of
 * the encodings equals value order, and no encoding is a prefix of another, so encoded fields can be
 * concatenated into keys and compared whole. DESC is the bitwise inversion of ASC.
 *
 * <ul>
 *   <li>long / int: big-endian two's complement with the sign bit flipped;</li>
 *   <li>double: IEEE bits, sign bit flipped for positives, all bits inverted for negatives
 *       (-0.0 is normalized to 0.0, NaN is refused);</li>
 *   <li>boolean: one byte, 0 or 1;</li>
 *   <li>string: UTF-8 (code point order) with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01;</li>
 *   <li>nullable fields carry a marker byte first: 0x00 null (sorts first), 0x01 present.</li>
 * </ul>
 */
public final class OrderedCodec {
    private OrderedCodec() {}

    public static void writeLong(ByteArrayOutputStream out, long v) {
        long x = v ^ Long.MIN_VALUE;
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (x >>> shift));
        }
    }

    public static void writeInt(ByteArrayOutputStream out, int v) {
        int x = v ^ Integer.MIN_VALUE;
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(x >>> shift);
        }
    }

    public static void writeDouble(ByteArrayOutputStream out, double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("NaN cannot be ordered");
        }
        long bits = Double.doubleToLongBits(v == 0.0 ? 0.0 : v);
        bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift));
        }
    }

    public static void writeBoolean(ByteArrayOutputStream out, boolean v) {
        out.write(v ? 1 : 0);
    }

    public static void writeString(ByteArrayOutputStream out, String v) {
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(1);
    }

    /** Encodes a value of {@code type} (ASC), with the null marker when {@code nullable}. */
    public static void write(ByteArrayOutputStream out, ValueType type, Object value, boolean nullable) {
        if (nullable) {
            out.write(value == null ? 0 : 1);
            if (value == null) {
                return;
            }
        } else if (value == null) {
            throw new IllegalArgumentException("null for a non-nullable " + type);
        }
        switch (type) {
            case LONG -> writeLong(out, ((Number) value).longValue());
            case INT -> writeInt(out, ((Number) value).intValue());
            case DOUBLE -> writeDouble(out, ((Number) value).doubleValue());
            case BOOLEAN -> writeBoolean(out, (Boolean) value);
            case STRING -> writeString(out, (String) value);
        }
    }

    public static byte[] encode(ValueType type, Object value, boolean nullable, boolean descending) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        write(out, type, value, nullable);
        byte[] bytes = out.toByteArray();
        if (descending) {
            invert(bytes);
        }
        return bytes;
    }

    public static void invert(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
    }

    /** Reads one value back; {@code descending} encodings are inverted on the fly. */
    public static Object read(Reader in, ValueType type, boolean nullable, boolean descending) {
        in.invert = descending;
        if (nullable && in.next() == 0) {
            return null;
        }
        return switch (type) {
            case LONG -> in.readLong() ^ Long.MIN_VALUE;
            case INT -> (int) (in.readN(4) ^ 0x80000000L);
            case DOUBLE -> {
                long bits = in.readLong();
                bits = bits < 0 ? bits ^ Long.MIN_VALUE : ~bits;
                yield Double.longBitsToDouble(bits);
            }
            case BOOLEAN -> in.next() != 0;
            case STRING -> in.readString();
        };
    }

    /** A cursor over encoded bytes. */
    public static final class Reader {
        private final byte[] bytes;
        private int at;
        private boolean invert;

        public Reader(byte[] bytes, int offset) {
            this.bytes = bytes;
            this.at = offset;
        }

        public int position() {
            return at;
        }

        int next() {
            if (at >= bytes.length) {
                throw new IllegalArgumentException("truncated encoding");
            }
            int b = bytes[at++] & 0xFF;
            return invert ? (~b) & 0xFF : b;
        }

        long readN(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | next();
            }
            return v;
        }

        long readLong() {
            return readN(8);
        }

        String readString() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int b = next();
                if (b != 0) {
                    out.write(b);
                    continue;
                }
                int marker = next();
                if (marker == 1) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                if (marker != 0xFF) {
                    throw new IllegalArgumentException("bad string escape");
                }
                out.write(0);
            }
        }
    }
}
