package io.sideview.edge;

import io.sideview.storage.Write;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary values of the records. A state or index value is the other node's id followed by the edge
 * state; a count value is {@code count, appliedSeq} and, while an apply is in flight, its intent.
 * Every value starts with a format byte so the layout can evolve.
 */
final class RecordCodec {
    private static final byte FORMAT = 1;
    private static final byte T_NULL = 0;
    private static final byte T_LONG = 1;
    private static final byte T_INT = 2;
    private static final byte T_DOUBLE = 3;
    private static final byte T_BOOL = 4;
    private static final byte T_STRING = 5;

    private RecordCodec() {}

    /** The commit record of one node side: see {@link SideApplier}. */
    record CountRecord(long count, long appliedSeq, Intent intent) {
        static final CountRecord ZERO = new CountRecord(0, 0, null);
    }

    /** The writes of one apply and its count delta, recorded before they are made so a crash can finish them. */
    record Intent(long delta, List<Write> writes) {}

    static byte[] encodeEdge(Object other, EdgeState state) {
        Buffer out = new Buffer();
        out.put(FORMAT);
        out.value(other);
        out.putLong(state.insertVersion());
        out.putLong(state.deleteVersion());
        out.putShort(state.properties().size());
        for (Map.Entry<Integer, PropertyValue> e : state.properties().entrySet()) {
            out.putShort(e.getKey());
            out.putLong(e.getValue().version());
            out.value(e.getValue().value());
        }
        return out.toBytes();
    }

    record DecodedEdge(Object other, EdgeState state) {}

    /** Whether an encoded edge is active, reading only the two versions (hot path of mutual). */
    static boolean isActive(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        format(in);
        skipValue(in);
        long insert = in.getLong();
        long delete = in.getLong();
        return insert != EdgeState.NONE && insert > delete;
    }

    private static void skipValue(ByteBuffer in) {
        byte t = in.get();
        switch (t) {
            case T_NULL -> { }
            case T_LONG, T_DOUBLE -> in.position(in.position() + 8);
            case T_INT -> in.position(in.position() + 4);
            case T_BOOL -> in.position(in.position() + 1);
            case T_STRING -> in.position(in.position() + 4 + in.getInt(in.position()));
            default -> throw new IllegalStateException("unknown value tag " + t);
        }
    }

    static DecodedEdge decodeEdge(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        format(in);
        Object other = readValue(in);
        long insert = in.getLong();
        long delete = in.getLong();
        int n = in.getShort() & 0xFFFF;
        Map<Integer, PropertyValue> props = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int id = in.getShort() & 0xFFFF;
            long version = in.getLong();
            props.put(id, new PropertyValue(version, readValue(in)));
        }
        return new DecodedEdge(other, new EdgeState(insert, delete, props));
    }

    static byte[] encodeCount(CountRecord c) {
        Buffer out = new Buffer();
        out.put(FORMAT);
        out.putLong(c.count());
        out.putLong(c.appliedSeq());
        if (c.intent() != null) {
            out.putLong(c.intent().delta());
            out.putInt(c.intent().writes().size());
            for (Write w : c.intent().writes()) {
                out.put(w instanceof Write.Put ? (byte) 1 : (byte) 2);
                out.bytes(w.key());
                if (w instanceof Write.Put p) {
                    out.bytes(p.value());
                }
            }
        }
        return out.toBytes();
    }

    static CountRecord decodeCount(byte[] bytes) {
        if (bytes == null) {
            return CountRecord.ZERO;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        format(in);
        long count = in.getLong();
        long seq = in.getLong();
        if (!in.hasRemaining()) {
            return new CountRecord(count, seq, null);
        }
        long delta = in.getLong();
        int n = in.getInt();
        List<Write> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte kind = in.get();
            byte[] key = readBytes(in);
            writes.add(kind == 1 ? new Write.Put(key, readBytes(in)) : new Write.Delete(key));
        }
        return new CountRecord(count, seq, new Intent(delta, writes));
    }

    private static void format(ByteBuffer in) {
        byte f = in.get();
        if (f != FORMAT) {
            throw new IllegalStateException("unknown record format " + f);
        }
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }

    private static Object readValue(ByteBuffer in) {
        byte t = in.get();
        return switch (t) {
            case T_NULL -> null;
            case T_LONG -> in.getLong();
            case T_INT -> in.getInt();
            case T_DOUBLE -> in.getDouble();
            case T_BOOL -> in.get() != 0;
            case T_STRING -> new String(readBytes(in), StandardCharsets.UTF_8);
            default -> throw new IllegalStateException("unknown value tag " + t);
        };
    }

    /** A growable buffer; records are small, so a doubling array is enough. */
    private static final class Buffer {
        private ByteBuffer buf = ByteBuffer.allocate(64);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void put(byte b) {
            ensure(1);
            buf.put(b);
        }

        void putShort(int v) {
            ensure(2);
            buf.putShort((short) v);
        }

        void putInt(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void putLong(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void bytes(byte[] b) {
            putInt(b.length);
            ensure(b.length);
            buf.put(b);
        }

        void value(Object v) {
            if (v == null) {
                put(T_NULL);
            } else if (v instanceof Long l) {
                put(T_LONG);
                putLong(l);
            } else if (v instanceof Integer i) {
                put(T_INT);
                putInt(i);
            } else if (v instanceof Double d) {
                put(T_DOUBLE);
                ensure(8);
                buf.putDouble(d);
            } else if (v instanceof Boolean b) {
                put(T_BOOL);
                put(b ? (byte) 1 : 0);
            } else if (v instanceof String s) {
                put(T_STRING);
                bytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                throw new IllegalArgumentException("unsupported value type " + v.getClass().getSimpleName());
            }
        }

        byte[] toBytes() {
            byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return out;
        }
    }
}
