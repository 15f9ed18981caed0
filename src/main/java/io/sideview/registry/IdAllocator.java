package io.sideview.registry;

import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Property and index ids: stable for a name across revisions, and never reused within a view, even
 * for a name that was dropped and added again later (its old records may still be in storage).
 */
final class IdAllocator {
    private IdAllocator() {}

    static ViewDefinition assignFresh(ViewDefinition d) {
        return assignFrom(d, List.of());
    }

    static ViewDefinition assignFrom(ViewDefinition d, List<ViewDefinition> history) {
        ViewDefinition current = history.isEmpty() ? null : history.get(history.size() - 1);
        Map<String, Integer> propertyIds = new HashMap<>();
        Map<String, Integer> indexIds = new HashMap<>();
        int nextProperty = 1;
        int nextIndex = 1;
        for (ViewDefinition old : history) {
            for (PropertyDef p : old.properties()) {
                nextProperty = Math.max(nextProperty, p.id() + 1);
            }
            for (IndexDef i : old.indexes()) {
                nextIndex = Math.max(nextIndex, i.id() + 1);
            }
        }
        if (current != null) {
            current.properties().forEach(p -> propertyIds.put(p.name(), p.id()));
            current.indexes().forEach(i -> indexIds.put(i.name(), i.id()));
        }
        List<PropertyDef> properties = new ArrayList<>();
        for (PropertyDef p : d.properties()) {
            Integer id = propertyIds.get(p.name());
            properties.add(p.withId(id != null ? id : nextProperty++));
        }
        List<IndexDef> indexes = new ArrayList<>();
        for (IndexDef i : d.indexes()) {
            Integer id = indexIds.get(i.name());
            indexes.add(i.withId(id != null ? id : nextIndex++));
        }
        return new ViewDefinition(d.name(), d.description(), d.sourceType(), d.targetType(), d.direction(),
                properties, indexes, d.binding());
    }
}
