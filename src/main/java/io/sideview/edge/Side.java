package io.sideview.edge;

import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.ViewDefinition;
import java.util.List;

/**
 * The side rule, and the only place it is written: OUT records live under the source id, IN records
 * under the target id. Everything that needs a side's node, its other end or their types asks here.
 */
public enum Side {
    OUT((byte) 1), IN((byte) 2);

    private static final List<Side> OUT_ONLY = List.of(OUT);
    private static final List<Side> IN_ONLY = List.of(IN);
    private static final List<Side> BOTH = List.of(OUT, IN);

    final byte code;

    Side(byte code) {
        this.code = code;
    }

    /** The node this side's records of the edge (source, target) live under. */
    public Object node(Object source, Object target) {
        return this == OUT ? source : target;
    }

    /** The edge's other end, as seen from this side's node. */
    public Object other(Object source, Object target) {
        return this == OUT ? target : source;
    }

    /** The edge's source, from a record of this side: its node and its other end. */
    public Object source(Object node, Object other) {
        return this == OUT ? node : other;
    }

    /** The edge's target, from a record of this side: its node and its other end. */
    public Object target(Object node, Object other) {
        return this == OUT ? other : node;
    }

    public IdType nodeType(ViewDefinition definition) {
        return this == OUT ? definition.sourceType() : definition.targetType();
    }

    public IdType otherType(ViewDefinition definition) {
        return this == OUT ? definition.targetType() : definition.sourceType();
    }

    public Side opposite() {
        return this == OUT ? IN : OUT;
    }

    public boolean keptBy(Direction direction) {
        return this == OUT ? direction.keepsOut() : direction.keepsIn();
    }

    /** The sides a view of {@code direction} keeps, OUT first. */
    public static List<Side> sidesOf(Direction direction) {
        return switch (direction) {
            case OUT -> OUT_ONLY;
            case IN -> IN_ONLY;
            case BOTH -> BOTH;
        };
    }

    public byte code() {
        return code;
    }

    /** The side stored as {@code code}; throws on any other byte. */
    public static Side ofCode(byte code) {
        return switch (code) {
            case 1 -> OUT;
            case 2 -> IN;
            default -> throw new IllegalArgumentException("no side has code " + code);
        };
    }
}
