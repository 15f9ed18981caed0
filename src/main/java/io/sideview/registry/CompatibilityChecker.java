package io.sideview.registry;

import io.sideview.api.FieldError;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.ViewDefinition;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a new revision can replace the current one without rebuilding stored records.
 * Allowed: a new nullable (or defaulted) property, a new index, a changed description, a new column
 * feeding a new property. Everything that would make existing records wrong is refused with a reason.
 */
public final class CompatibilityChecker {
    private CompatibilityChecker() {}

    public static void check(ViewDefinition current, ViewDefinition next, boolean active, List<FieldError> errors) {
        if (current.sourceType() != next.sourceType()) {
            errors.add(new FieldError("sourceType", "cannot change from " + current.sourceType().wireName()
                    + " to " + next.sourceType().wireName() + ": stored keys depend on it; create a new view"));
        }
        if (current.targetType() != next.targetType()) {
            errors.add(new FieldError("targetType", "cannot change from " + current.targetType().wireName()
                    + " to " + next.targetType().wireName() + ": stored keys depend on it; create a new view"));
        }
        if (current.direction() != next.direction()) {
            errors.add(new FieldError("direction", "cannot change from " + current.direction() + " to "
                    + next.direction() + ": the other side has no records; create a new view"));
        }
        properties(current, next, errors);
        indexes(current, next, active, errors);
        binding(current.binding(), next.binding(), errors);
    }

    private static void properties(ViewDefinition current, ViewDefinition next, List<FieldError> errors) {
        for (PropertyDef old : current.properties()) {
            var now = next.property(old.name());
            if (now.isEmpty()) {
                errors.add(new FieldError("properties", "property '" + old.name()
                        + "' cannot be removed: stored edges carry it"));
            } else if (now.get().type() != old.type()) {
                int at = next.properties().indexOf(now.get());
                errors.add(new FieldError("properties[" + at + "].type", "cannot change the type of '" + old.name()
                        + "' from " + old.type().wireName() + " to " + now.get().type().wireName()));
            } else if (old.nullable() && !now.get().nullable()) {
                int at = next.properties().indexOf(now.get());
                errors.add(new FieldError("properties[" + at + "].nullable", "'" + old.name()
                        + "' cannot become non-nullable: stored edges may hold null"));
            }
        }
        for (int i = 0; i < next.properties().size(); i++) {
            PropertyDef p = next.properties().get(i);
            if (current.property(p.name()).isEmpty() && !p.nullable() && p.defaultValue() == null) {
                errors.add(new FieldError("properties[" + i + "]", "new property '" + p.name()
                        + "' must be nullable or have a default: stored edges do not have it"));
            }
        }
    }

    private static void indexes(ViewDefinition current, ViewDefinition next, boolean active, List<FieldError> errors) {
        for (IndexDef old : current.indexes()) {
            var now = next.index(old.name());
            if (now.isEmpty()) {
                if (active) {
                    errors.add(new FieldError("indexes", "index '" + old.name()
                            + "' is in use by the active view and cannot be deleted; deactivate the view first"));
                }
            } else if (!now.get().fields().equals(old.fields())) {
                int at = next.indexes().indexOf(now.get());
                errors.add(new FieldError("indexes[" + at + "].fields", "the fields of index '" + old.name()
                        + "' cannot change; add an index with another name"));
            }
        }
    }

    private static void binding(Binding current, Binding next, List<FieldError> errors) {
        if (current == null && next == null) {
            return;
        }
        if (current == null || next == null) {
            errors.add(new FieldError("binding", current == null
                    ? "an API-written view cannot be bound to a table; create a new view"
                    : "a captured view cannot drop its binding; create a new view"));
            return;
        }
        same("binding.sourceGroup", current.sourceGroup(), next.sourceGroup(), errors);
        same("binding.database", current.database(), next.database(), errors);
        same("binding.table", current.table(), next.table(), errors);
        same("binding.version", current.version(), next.version(), errors);
        same("binding.softDelete", current.softDelete(), next.softDelete(), errors);
        for (var old : current.columns()) {
            var now = next.column(old.column());
            if (now.isEmpty() || !now.get().equals(old)) {
                errors.add(new FieldError("binding.columns", "column '" + old.column()
                        + "' cannot be removed or remapped; only new columns may be added"));
            }
        }
    }

    private static void same(String field, Object old, Object now, List<FieldError> errors) {
        if (!Objects.equals(old, now)) {
            errors.add(new FieldError(field, "cannot change: records already follow the current value"));
        }
    }
}
