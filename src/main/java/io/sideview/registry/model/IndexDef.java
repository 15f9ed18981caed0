package io.sideview.registry.model;

import java.util.List;

/** A named index: its records are ordered by the fields, then by the other node's id. */
public record IndexDef(int id, String name, List<IndexField> fields) {
    public IndexDef withId(int newId) {
        return new IndexDef(newId, name, fields);
    }

    public IndexDef {
        fields = List.copyOf(fields);
    }
}
