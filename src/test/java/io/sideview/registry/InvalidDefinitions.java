package io.sideview.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.Examples;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The table of invalid view definitions: each is a documented example with one thing broken, the
 * status it must get, the field the answer must name and a fragment of the reason. Shared by the
 * unit test (parser + validator) and the REST integration test.
 */
public final class InvalidDefinitions {

    public record Case(String name, String body, int status, String field, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private InvalidDefinitions() {}

    public static List<Case> all() {
        List<Case> c = new ArrayList<>();
        c.add(follows("name missing", d -> d.remove("name"), 422, "name", "is required"));
        c.add(follows("name with upper case", d -> d.put("name", "Follows"), 422, "name", "must match"));
        c.add(follows("name with a slash", d -> d.put("name", "a/b"), 422, "name", "must match"));
        c.add(follows("name too long", d -> d.put("name", "a".repeat(64)), 422, "name", "must match"));
        c.add(follows("reserved view name", d -> d.put("name", "select"), 422, "name", "reserved word"));
        c.add(follows("unknown source type", d -> d.put("sourceType", "int64"), 422, "sourceType", "unknown id type 'int64'"));
        c.add(follows("target type missing", d -> d.remove("targetType"), 422, "targetType", "is required"));
        c.add(follows("unknown direction", d -> d.put("direction", "SIDEWAYS"), 422, "direction", "unknown direction"));
        c.add(follows("lower-case direction", d -> d.put("direction", "both"), 422, "direction", "unknown direction"));
        c.add(follows("unknown property type", d -> prop(d, 0).put("type", "timestamp"), 422, "properties[0].type", "unknown type 'timestamp'"));
        c.add(follows("property type missing", d -> prop(d, 0).remove("type"), 422, "properties[0].type", "is required"));
        c.add(follows("reserved property name", d -> prop(d, 0).put("name", "version"), 422, "properties[0].name", "reserved word"));
        c.add(follows("duplicate property", d -> props(d).add(prop(d, 0).deepCopy()), 422, "properties[1].name", "duplicate property name"));
        c.add(follows("default of the wrong type", d -> prop(d, 0).put("default", "soon"), 422, "properties[0].default", "is not of type long"));
        c.add(follows("null default on non-nullable", d -> prop(d, 0).putNull("default"), 422, "properties[0].default", "not nullable"));
        c.add(follows("index on unknown field", d -> indexField(d, 0, 0).put("field", "updated_at"), 422, "indexes[0].fields[0].field", "unknown field 'updated_at'"));
        c.add(follows("empty index", d -> index(d, 0).putArray("fields"), 422, "indexes[0].fields", "at least one field"));
        c.add(follows("index without fields", d -> index(d, 0).remove("fields"), 422, "indexes[0].fields", "at least one field"));
        c.add(follows("unknown index order", d -> indexField(d, 0, 0).put("order", "DOWN"), 422, "indexes[0].fields[0].order", "expected ASC or DESC"));
        c.add(follows("duplicate index", d -> indexes(d).add(index(d, 0).deepCopy()), 422, "indexes[1].name", "duplicate index name"));
        c.add(follows("field twice in an index", d -> ((ArrayNode) index(d, 0).get("fields")).add(indexField(d, 0, 0).deepCopy()),
                422, "indexes[0].fields[1].field", "appears twice"));
        c.add(follows("bad index name", d -> index(d, 0).put("name", "9recent"), 422, "indexes[0].name", "must match"));
        c.add(follows("unknown top-level field", d -> d.put("sorce", "x"), 400, "sorce", "unknown field"));
        c.add(follows("properties not an array", d -> d.put("properties", "created_at"), 400, "properties", "expected an array"));
        c.add(follows("too many properties", d -> {
            ArrayNode ps = props(d);
            for (int i = 0; i < 70; i++) {
                ps.addObject().put("name", "p" + i).put("type", "int").put("nullable", true);
            }
        }, 422, "properties", "at most 64"));
        c.add(follows("description too long", d -> d.put("description", "x".repeat(2000)), 422, "description", "at most 1024"));
        c.add(new Case("not JSON", "{\"name\": ", 400, "$", "malformed JSON"));
        c.add(new Case("empty body", "", 400, "$", "is required"));
        c.add(new Case("oversized document", "{\"description\":\"" + "x".repeat(70_000) + "\"}", 413, "$", "the limit is"));
        c.add(friends("unknown source group", b -> b.put("sourceGroup", "likes"), 422, "binding.sourceGroup", "unknown source group 'likes'"));
        c.add(friends("table name with SQL in it", b -> b.put("table", "friends; DROP TABLE x"), 422, "binding.table", "plain SQL identifier"));
        c.add(friends("database missing", b -> b.remove("database"), 422, "binding.database", "is required"));
        c.add(friends("column type clash", b -> column(b, 5).put("type", "VARCHAR"), 422, "binding.columns[5].type",
                "cannot feed 'created_at' of type long"));
        c.add(friends("source id from a text column", b -> column(b, 0).put("type", "VARCHAR"), 422, "binding.columns[0].type",
                "cannot feed 'source' of type long"));
        c.add(friends("unknown column type", b -> column(b, 2).put("type", "GEOMETRY"), 422, "binding.columns[2].type", "unknown column type"));
        c.add(friends("mapping to an unknown property", b -> column(b, 2).put("mapsTo", "nick"), 422, "binding.columns[2].mapsTo", "unknown field 'nick'"));
        c.add(friends("no target column", b -> column(b, 1).remove("mapsTo"), 422, "binding.columns", "no column maps to target"));
        c.add(friends("property fed twice", b -> column(b, 6).put("mapsTo", "created_at"), 422, "binding.columns[6].mapsTo", "already fed by column"));
        c.add(friends("soft-delete on an unlisted column", b -> ((ObjectNode) b.get("softDelete")).put("column", "state"), 422,
                "binding.softDelete.column", "not listed"));
        c.add(friends("version column of text type", b -> ((ObjectNode) b.get("version")).put("from", "COLUMN").put("column", "nickname"),
                422, "binding.version.column", "integer type"));
        c.add(friends("unknown version source", b -> ((ObjectNode) b.get("version")).put("from", "GTID"), 422, "binding.version.from", "expected BINLOG or COLUMN"));
        return c;
    }

    private static Case follows(String name, Consumer<ObjectNode> change, int status, String field, String reason) {
        ObjectNode d = Examples.json("follows-view.json");
        change.accept(d);
        return new Case(name, d.toString(), status, field, reason);
    }

    private static Case friends(String name, Consumer<ObjectNode> bindingChange, int status, String field, String reason) {
        ObjectNode d = Examples.json("friends-view.json");
        bindingChange.accept((ObjectNode) d.get("binding"));
        return new Case(name, d.toString(), status, field, reason);
    }

    private static ArrayNode props(ObjectNode d) {
        return (ArrayNode) d.get("properties");
    }

    private static ObjectNode prop(ObjectNode d, int i) {
        return (ObjectNode) props(d).get(i);
    }

    private static ArrayNode indexes(ObjectNode d) {
        return (ArrayNode) d.get("indexes");
    }

    private static ObjectNode index(ObjectNode d, int i) {
        return (ObjectNode) indexes(d).get(i);
    }

    private static ObjectNode indexField(ObjectNode d, int i, int j) {
        return (ObjectNode) index(d, i).get("fields").get(j);
    }

    private static ObjectNode column(ObjectNode binding, int i) {
        return (ObjectNode) binding.get("columns").get(i);
    }
}
