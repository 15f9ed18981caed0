package io.sideview.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.ViewDefinition;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns one JSON item of a mutation batch into a typed {@link Mutation}, or explains why not. Strict:
 * ids and values must already have the view's types (no silent coercion of "1" to 1).
 */
public final class MutationParser {
    /** Longest string property value, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 65_536;

    private MutationParser() {}

    /** Thrown for an item that cannot be applied; the message is the reason given back. */
    public static final class BadItem extends Exception {
        public BadItem(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Mutation parse(JsonNode item, ViewDefinition view) throws BadItem {
        return parse(item, view, true);
    }

    /**
     * {@code clientLimits} false is for WAL records, which Sideview wrote itself from captured rows:
     * a captured value longer than a client may send must still be applied, as it is in process.
     */
    public static Mutation parse(JsonNode item, ViewDefinition view, boolean clientLimits) throws BadItem {
        if (item == null || !item.isObject()) {
            throw new BadItem("an item must be an object");
        }
        for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("type") && !f.equals("source") && !f.equals("target") && !f.equals("version") && !f.equals("properties")) {
                throw new BadItem("unknown field '" + f + "'");
            }
        }
        MutationType type = type(item.get("type"));
        Object source = id("source", item.get("source"), view.sourceType(), clientLimits);
        Object target = id("target", item.get("target"), view.targetType(), clientLimits);
        JsonNode v = item.get("version");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadItem("version: required, an integer (long)");
        }
        if (v.longValue() == Long.MIN_VALUE) {
            throw new BadItem("version: " + Long.MIN_VALUE + " is reserved (it means 'no event')");
        }
        Map<String, Object> props = new HashMap<>();
        JsonNode p = item.get("properties");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new BadItem("properties: expected an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                PropertyDef def = view.property(e.getKey()).orElseThrow(() ->
                        new BadItem("properties." + e.getKey() + ": unknown property"));
                props.put(def.name(), value(def, e.getValue(), clientLimits));
            }
        }
        if (type == MutationType.INSERT) {
            for (PropertyDef def : view.properties()) {
                if (!def.nullable() && def.defaultValue() == null && !props.containsKey(def.name())) {
                    throw new BadItem("properties." + def.name() + ": required on INSERT (not nullable, no default)");
                }
            }
        }
        return new Mutation(type, source, target, v.longValue(), type == MutationType.DELETE ? Map.of() : props);
    }

    private static MutationType type(JsonNode t) throws BadItem {
        if (t != null && t.isTextual()) {
            for (MutationType m : MutationType.values()) {
                if (m.name().equals(t.textValue())) {
                    return m;
                }
            }
        }
        throw new BadItem("type: expected INSERT, UPDATE or DELETE");
    }

    private static Object id(String field, JsonNode n, IdType type, boolean clientLimits) throws BadItem {
        if (type == IdType.LONG) {
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new BadItem(field + ": expected a long id (a JSON integer)");
            }
            return n.longValue();
        }
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new BadItem(field + ": expected a string id");
        }
        if (clientLimits && NodeIds.tooLong(n.textValue())) {
            throw new BadItem(field + ": " + NodeIds.TOO_LONG);
        }
        return n.textValue();
    }

    private static Object value(PropertyDef def, JsonNode n, boolean clientLimits) throws BadItem {
        String at = "properties." + def.name() + ": ";
        if (n == null || n.isNull()) {
            if (!def.nullable()) {
                throw new BadItem(at + "null for a property that is not nullable");
            }
            return null;
        }
        Object v = switch (def.type()) {
            case BOOLEAN -> n.isBoolean() ? n.booleanValue() : null;
            case INT -> n.isIntegralNumber() && n.canConvertToInt() ? n.intValue() : null;
            case LONG -> n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null;
            // -0.0 is stored as 0.0: the two encode alike, and a tie must not depend on arrival.
            case DOUBLE -> n.isNumber() && Double.isFinite(n.doubleValue()) ? n.doubleValue() + 0.0 : null;
            case STRING -> n.isTextual() ? n.textValue() : null;
        };
        if (v == null) {
            throw new BadItem(at + "expected a " + def.type().wireName());
        }
        if (clientLimits && v instanceof String s && s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new BadItem(at + "strings are at most " + MAX_STRING_BYTES + " bytes");
        }
        return v;
    }
}
