package io.sideview.edge;

import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.registry.model.ViewDefinition;
import io.sideview.storage.Bytes;
import io.sideview.storage.KeyRange;
import io.sideview.storage.codec.OrderedCodec;
import io.sideview.storage.codec.ValueType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Row keys of one view (design §5):
 * {@code [salt] | view id (4) | side (1) | record type (1) | node id | suffix}, where the suffix is
 * the other node's id for state rows, index id (2) + index values + other id for index rows, and
 * nothing for count rows. One node's rows of one type are contiguous, so every query is one range.
 * The optional salt byte is a hash of (view, side, node) that spreads nodes over HBase regions.
 */
public final class ViewLayout {
    /**
     * The generation's storage id, the first bytes of every key: the view id until a replay switches
     * the view to a generation rebuilt from its sources (a new id from the same counter).
     */
    private final long storageId;
    private final ViewDefinition definition;
    private final int saltBuckets;

    public ViewLayout(long storageId, ViewDefinition definition, int saltBuckets) {
        if (saltBuckets < 0 || saltBuckets > 256) {
            throw new IllegalArgumentException("salt buckets must be 0..256");
        }
        this.storageId = storageId;
        this.definition = definition;
        this.saltBuckets = saltBuckets;
    }

    public ViewDefinition definition() {
        return definition;
    }

    public long storageId() {
        return storageId;
    }

    IdType nodeType(Side side) {
        return side.nodeType(definition);
    }

    IdType otherType(Side side) {
        return side.otherType(definition);
    }

    /** Prefix of every record of {@code type} for {@code node} on {@code side}. */
    public byte[] prefix(Side side, RecordType type, Object node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        writePrefix(out, side, type, node);
        return out.toByteArray();
    }

    private void writePrefix(ByteArrayOutputStream out, Side side, RecordType type, Object node) {
        byte[] nodeBytes = id(nodeType(side), node);
        if (saltBuckets > 0) {
            int h = (int) (storageId * 0x9E3779B1L) ^ side.code;
            for (byte b : nodeBytes) {
                h = 31 * h + b;
            }
            h ^= h >>> 16;
            // Buckets spread evenly over the first byte, where HBase pre-splits the table.
            out.write(Math.floorMod(h, saltBuckets) * (256 / saltBuckets));
        }
        writeHeader(out, side, type);
        out.writeBytes(nodeBytes);
    }

    /** View id, side, record type: what follows the salt in every key. */
    private void writeHeader(ByteArrayOutputStream out, Side side, RecordType type) {
        out.write((int) (storageId >>> 24));
        out.write((int) (storageId >>> 16));
        out.write((int) (storageId >>> 8));
        out.write((int) storageId);
        out.write(side.code);
        out.write(type.code);
    }

    public int saltBuckets() {
        return saltBuckets;
    }

    /** The salt bytes in use: one per bucket, or none when unsalted (then a single empty prefix). */
    byte[][] saltPrefixes() {
        return saltPrefixes(saltBuckets);
    }

    static byte[][] saltPrefixes(int saltBuckets) {
        if (saltBuckets == 0) {
            return new byte[][] {new byte[0]};
        }
        byte[][] out = new byte[saltBuckets][];
        for (int i = 0; i < saltBuckets; i++) {
            out[i] = new byte[] {(byte) (i * (256 / saltBuckets))};
        }
        return out;
    }

    /**
     * Every record of storage id {@code storageId}, as one key range per salt bucket: what removing a
     * deleted view's or a replaced generation's records ranges over.
     */
    public static List<KeyRange> recordsOf(long storageId, int saltBuckets) {
        List<KeyRange> out = new ArrayList<>();
        for (byte[] salt : saltPrefixes(saltBuckets)) {
            out.add(KeyRange.prefix(Bytes.concat(salt, viewIdBytes(storageId))));
        }
        return out;
    }

    static byte[] viewIdBytes(long viewId) {
        return new byte[] {(byte) (viewId >>> 24), (byte) (viewId >>> 16), (byte) (viewId >>> 8), (byte) viewId};
    }

    /** Prefix of every record of {@code type} on {@code side} in one salt bucket: what a whole-view walk ranges over. */
    byte[] typePrefix(byte[] salt, Side side, RecordType type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8);
        out.writeBytes(salt);
        writeHeader(out, side, type);
        return out.toByteArray();
    }

    /** The node a record key belongs to, and where its id ends in the key. */
    record NodeAt(Object node, int end) {}

    NodeAt nodeAt(byte[] key, Side side) {
        OrderedCodec.Reader in = new OrderedCodec.Reader(key, (saltBuckets > 0 ? 1 : 0) + 6);
        IdType t = nodeType(side);
        Object node = OrderedCodec.read(in, valueType(t), false, false);
        return new NodeAt(node, in.position());
    }

    static byte[] id(IdType type, Object id) {
        return OrderedCodec.encode(valueType(type), id, false, false);
    }

    public byte[] stateKey(Side side, Object node, Object other) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(40);
        writePrefix(out, side, RecordType.STATE, node);
        out.writeBytes(id(otherType(side), other));
        return out.toByteArray();
    }

    public byte[] countKey(Side side, Object node) {
        return prefix(side, RecordType.COUNT, node);
    }

    /** Prefix of one index of one node: what a scan ranges over. */
    public byte[] indexPrefix(Side side, Object node, IndexDef index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(40);
        writePrefix(out, side, RecordType.INDEX, node);
        out.write(index.id() >>> 8);
        out.write(index.id());
        return out.toByteArray();
    }

    /** The index row of an edge, from its state (values of its properties and system fields). */
    public byte[] indexKey(Side side, Object source, Object target, EdgeState state, IndexDef index) {
        Object node = side.node(source, target);
        Object other = side.other(source, target);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(indexPrefix(side, node, index));
        for (IndexField f : index.fields()) {
            out.writeBytes(fieldBytes(f, source, target, state));
        }
        out.writeBytes(id(otherType(side), other));
        return out.toByteArray();
    }

    /** How storage encodes an id of this type. */
    static ValueType valueType(IdType type) {
        return type == IdType.LONG ? ValueType.LONG : ValueType.STRING;
    }

    /** How storage encodes a property of this type (the same kinds under storage's own names). */
    static ValueType valueType(PropertyType type) {
        return ValueType.valueOf(type.name());
    }

    /** One index field's encoding for a given value (used for keys and for range bounds). */
    public byte[] encodeField(IndexField f, Object value) {
        boolean desc = f.order() == SortOrder.DESC;
        return switch (f.field()) {
            case "source" -> invertIf(id(definition.sourceType(), value), desc);
            case "target" -> invertIf(id(definition.targetType(), value), desc);
            case "version" -> OrderedCodec.encode(ValueType.LONG, value, false, desc);
            default -> {
                PropertyDef p = definition.property(f.field()).orElseThrow();
                yield OrderedCodec.encode(valueType(p.type()), value, p.nullable(), desc);
            }
        };
    }

    /** The type a value for this index field must have. */
    public PropertyType fieldType(IndexField f) {
        return switch (f.field()) {
            case "source" -> PropertyType.of(definition.sourceType());
            case "target" -> PropertyType.of(definition.targetType());
            case "version" -> PropertyType.LONG;
            default -> definition.property(f.field()).orElseThrow().type();
        };
    }

    private byte[] fieldBytes(IndexField f, Object source, Object target, EdgeState state) {
        return switch (f.field()) {
            case "source" -> encodeField(f, source);
            case "target" -> encodeField(f, target);
            case "version" -> encodeField(f, state.version());
            default -> encodeField(f, valueOf(definition.property(f.field()).orElseThrow(), state));
        };
    }

    /** A property's value in a state; a property added after the edge was written reads as its default. */
    public static Object valueOf(PropertyDef p, EdgeState state) {
        PropertyValue v = state.properties().get(p.id());
        return v == null ? p.defaultValue() : v.value();
    }

    private static byte[] invertIf(byte[] bytes, boolean invert) {
        if (invert) {
            OrderedCodec.invert(bytes);
        }
        return bytes;
    }
}
