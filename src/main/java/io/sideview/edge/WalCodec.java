package io.sideview.edge;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one binary format of mutations on their way to the lanes: a side mutation in the Kafka WAL,
 * and a whole direct-write batch in the intake log. Encoded and decoded here only. The first byte is
 * the format version; a record of an unknown version is refused (never guessed at), so changing the
 * format is a visible decision: the golden sample in the tests breaks.
 *
 * <p>Layout (big-endian): {@code version(1) kind(1) viewId(8) viewName(str)}, then for a side record
 * {@code side(1) mutation}, for a batch {@code count(4) mutation*}. A mutation is
 * {@code type(1) source(val) target(val) version(8) count(4) (name(str) value(val))*}, properties
 * sorted by name so equal mutations encode to equal bytes. {@code str} is a length (4) and UTF-8;
 * {@code val} a tag byte (0 null, 1 long, 2 string, 3 int, 4 double, 5 boolean) and the value.
 */
public final class WalCodec {
    public static final byte FORMAT = 1;
    private static final byte SIDE_RECORD = 'S';
    private static final byte BATCH_RECORD = 'B';

    private WalCodec() {
    }

    /** A WAL record: one side of one mutation of the view (id, name). */
    public record SideRecord(long viewId, String view, Side side, Mutation mutation) {}

    /** An intake record: a direct-write batch of the view (id, name). */
    public record BatchRecord(long viewId, String view, List<Mutation> mutations) {
        public BatchRecord {
            mutations = List.copyOf(mutations);
        }
    }

    /** A record this codec cannot read: another format version, or damaged bytes. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    public static byte[] encode(SideRecord r) {
        Out out = new Out();
        header(out, SIDE_RECORD, r.viewId(), r.view());
        out.write(r.side().code());
        mutation(out, r.mutation());
        return out.toByteArray();
    }

    public static byte[] encode(BatchRecord r) {
        Out out = new Out();
        header(out, BATCH_RECORD, r.viewId(), r.view());
        out.int32(r.mutations().size());
        for (Mutation m : r.mutations()) {
            mutation(out, m);
        }
        return out.toByteArray();
    }

    public static SideRecord decodeSide(byte[] bytes) {
        return read(bytes, SIDE_RECORD, in -> {
            long viewId = in.getLong();
            String view = string(in);
            Side side;
            try {
                side = Side.ofCode(in.get());
            } catch (IllegalArgumentException e) {
                throw new Unreadable(e.getMessage());
            }
            return new SideRecord(viewId, view, side, mutation(in));
        });
    }

    public static BatchRecord decodeBatch(byte[] bytes) {
        return read(bytes, BATCH_RECORD, in -> {
            long viewId = in.getLong();
            String view = string(in);
            int n = count(in);
            List<Mutation> ms = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                ms.add(mutation(in));
            }
            return new BatchRecord(viewId, view, ms);
        });
    }

    private interface Reader<T> {
        T read(ByteBuffer in);
    }

    private static <T> T read(byte[] bytes, byte kind, Reader<T> body) {
        if (bytes == null || bytes.length < 2) {
            throw new Unreadable("empty or truncated record");
        }
        if (bytes[0] != FORMAT) {
            throw new Unreadable("format version " + (bytes[0] & 0xff) + " is not " + FORMAT);
        }
        if (bytes[1] != kind) {
            throw new Unreadable("record kind '" + (char) bytes[1] + "' is not '" + (char) kind + "'");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
        try {
            T out = body.read(in);
            if (in.hasRemaining()) {
                throw new Unreadable(in.remaining() + " bytes after the record");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new Unreadable("truncated record");
        }
    }

    private static void header(Out out, byte kind, long viewId, String view) {
        out.write(FORMAT);
        out.write(kind);
        out.int64(viewId);
        out.string(view);
    }

    private static void mutation(Out out, Mutation m) {
        out.write(m.type().ordinal());
        value(out, m.source());
        value(out, m.target());
        out.int64(m.version());
        Map<String, Object> sorted = new TreeMap<>(m.properties());
        out.int32(sorted.size());
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            out.string(e.getKey());
            value(out, e.getValue());
        }
    }

    private static Mutation mutation(ByteBuffer in) {
        int type = in.get();
        MutationType[] types = MutationType.values();
        if (type < 0 || type >= types.length) {
            throw new Unreadable("unknown mutation type " + type);
        }
        Object source = value(in);
        Object target = value(in);
        if (source == null || target == null) {
            throw new Unreadable("a mutation needs a source and a target");
        }
        long version = in.getLong();
        int n = count(in);
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < n; i++) {
            props.put(string(in), value(in));
        }
        return new Mutation(types[type], source, target, version, Collections.unmodifiableMap(props));
    }

    private static void value(Out out, Object v) {
        if (v == null) {
            out.write(0);
        } else if (v instanceof Long l) {
            out.write(1);
            out.int64(l);
        } else if (v instanceof String s) {
            out.write(2);
            out.string(s);
        } else if (v instanceof Integer i) {
            out.write(3);
            out.int32(i);
        } else if (v instanceof Double d) {
            out.write(4);
            out.int64(Double.doubleToRawLongBits(d));
        } else if (v instanceof Boolean b) {
            out.write(5);
            out.write(b ? 1 : 0);
        } else {
            throw new IllegalArgumentException("no WAL encoding for " + v.getClass().getSimpleName());
        }
    }

    private static Object value(ByteBuffer in) {
        byte tag = in.get();
        return switch (tag) {
            case 0 -> null;
            case 1 -> in.getLong();
            case 2 -> string(in);
            case 3 -> in.getInt();
            case 4 -> Double.longBitsToDouble(in.getLong());
            case 5 -> switch (in.get()) {
                case 0 -> Boolean.FALSE;
                case 1 -> Boolean.TRUE;
                default -> throw new Unreadable("a boolean is 0 or 1");
            };
            default -> throw new Unreadable("unknown value tag " + tag);
        };
    }

    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new Unreadable("count " + n + " does not fit the record");
        }
        return n;
    }

    private static String string(ByteBuffer in) {
        int n = count(in);
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(128);
        }

        void int32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int32(b.length);
            writeBytes(b);
        }
    }
}
