package io.sideview.registry;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.api.FieldError;
import io.sideview.registry.api.ViewSpec;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SoftDeleteRule;
import io.sideview.registry.model.SqlType;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Checks a view's binding to a captured table against the view's own fields and the configured source groups. */
class BindingValidator {
    static final int MAX_COLUMNS = 128;

    private final Set<String> sourceGroups;

    BindingValidator(Set<String> sourceGroups) {
        this.sourceGroups = Set.copyOf(sourceGroups);
    }

    Binding validate(ViewSpec.BindingSpec spec, ViewDefinition view, List<FieldError> errors) {
        if (spec.sourceGroup() == null) {
            errors.add(new FieldError("binding.sourceGroup", "is required"));
        } else if (!sourceGroups.contains(spec.sourceGroup())) {
            errors.add(new FieldError("binding.sourceGroup", "unknown source group '" + abbreviate(spec.sourceGroup())
                    + "'; configured groups: " + new TreeSet<>(sourceGroups)));
        }
        sqlIdentifier("binding.database", spec.database(), errors);
        sqlIdentifier("binding.table", spec.table(), errors);
        List<ColumnMapping> columns = columns(spec.columns(), view, errors);
        Binding partial = new Binding(spec.sourceGroup(), spec.database(), spec.table(), columns, null, null);
        VersionRule version = version(spec.version(), partial, errors);
        SoftDeleteRule softDelete = softDelete(spec.softDelete(), partial, errors);
        return new Binding(spec.sourceGroup(), spec.database(), spec.table(), columns, version, softDelete);
    }

    private static void sqlIdentifier(String field, String value, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, "is required"));
        } else if (!Names.isSqlIdentifier(value)) {
            errors.add(new FieldError(field, Names.SQL_IDENTIFIER_RULE + ", got '" + abbreviate(value) + "'"));
        }
    }

    private List<ColumnMapping> columns(List<ViewSpec.ColumnSpec> specs, ViewDefinition view, List<FieldError> errors) {
        List<ColumnMapping> out = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            errors.add(new FieldError("binding.columns", "map at least the source and the target column"));
            return out;
        }
        if (specs.size() > MAX_COLUMNS) {
            errors.add(new FieldError("binding.columns", "at most " + MAX_COLUMNS + " columns, got " + specs.size()));
        }
        Map<String, String> columnByTarget = new HashMap<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "binding.columns[" + i + "]";
            ViewSpec.ColumnSpec c = specs.get(i);
            if (c == null) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            sqlIdentifier(at + ".column", c.column(), errors);
            if (c.column() != null && !names.add(c.column())) {
                errors.add(new FieldError(at + ".column", "column '" + c.column() + "' is listed twice"));
            }
            SqlType type = null;
            if (c.type() == null) {
                errors.add(new FieldError(at + ".type", "is required, e.g. BIGINT or VARCHAR"));
            } else {
                type = SqlType.parse(c.type()).orElse(null);
                if (type == null) {
                    errors.add(new FieldError(at + ".type", "unknown column type '" + abbreviate(c.type())
                            + "'; expected one of " + List.of(SqlType.values())));
                }
            }
            if (c.mapsTo() != null) {
                String previous = columnByTarget.putIfAbsent(c.mapsTo(), c.column());
                if (previous != null) {
                    errors.add(new FieldError(at + ".mapsTo", "'" + c.mapsTo() + "' is already fed by column '" + previous + "'"));
                }
                PropertyType wanted = wantedType(c.mapsTo(), view);
                if (wanted == null && !isIdField(c.mapsTo())) {
                    errors.add(new FieldError(at + ".mapsTo", "unknown field '" + abbreviate(c.mapsTo())
                            + "'; expected source, target or a property of the view"));
                } else if (wanted != null && type != null && !type.canFeed(wanted)) {
                    errors.add(new FieldError(at + ".type", "column type " + type + " cannot feed '" + c.mapsTo()
                            + "' of type " + wanted.wireName()));
                }
            }
            out.add(new ColumnMapping(c.column(), type, c.mapsTo()));
        }
        for (String required : List.of("source", "target")) {
            if (!columnByTarget.containsKey(required)) {
                errors.add(new FieldError("binding.columns", "no column maps to " + required));
            }
        }
        for (int i = 0; i < view.properties().size(); i++) {
            PropertyDef p = view.properties().get(i);
            if (p.name() != null && !p.nullable() && p.defaultValue() == null && !columnByTarget.containsKey(p.name())) {
                errors.add(new FieldError("properties[" + i + "]", "property '" + p.name()
                        + "' is not nullable, has no default and no column maps to it"));
            }
        }
        return out;
    }

    private static boolean isIdField(String mapsTo) {
        return mapsTo.equals("source") || mapsTo.equals("target");
    }

    private static PropertyType wantedType(String mapsTo, ViewDefinition view) {
        IdType id = switch (mapsTo) {
            case "source" -> view.sourceType();
            case "target" -> view.targetType();
            default -> null;
        };
        if (id != null) {
            return PropertyType.of(id);
        }
        return view.property(mapsTo).map(PropertyDef::type).orElse(null);
    }

    private static VersionRule version(ViewSpec.VersionSpec spec, Binding binding, List<FieldError> errors) {
        if (spec == null || spec.from() == null || spec.from().equals("BINLOG")) {
            if (spec != null && spec.column() != null) {
                errors.add(new FieldError("binding.version.column", "only allowed with from COLUMN"));
            }
            return VersionRule.binlog();
        }
        if (!spec.from().equals("COLUMN")) {
            errors.add(new FieldError("binding.version.from", "unknown version source '" + abbreviate(spec.from())
                    + "'; expected BINLOG or COLUMN"));
            return VersionRule.binlog();
        }
        if (spec.column() == null) {
            errors.add(new FieldError("binding.version.column", "is required with from COLUMN"));
        } else {
            var column = binding.column(spec.column());
            if (column.isEmpty()) {
                errors.add(new FieldError("binding.version.column", "column '" + abbreviate(spec.column())
                        + "' is not listed in binding.columns"));
            } else if (column.get().type() != null && !column.get().type().isInteger()) {
                errors.add(new FieldError("binding.version.column", "version column must be an integer type, not "
                        + column.get().type()));
            }
        }
        return new VersionRule(VersionRule.Kind.COLUMN, spec.column());
    }

    private static SoftDeleteRule softDelete(ViewSpec.SoftDeleteSpec spec, Binding binding, List<FieldError> errors) {
        if (spec == null) {
            return null;
        }
        if (spec.column() == null) {
            errors.add(new FieldError("binding.softDelete.column", "is required"));
        } else if (binding.column(spec.column()).isEmpty()) {
            errors.add(new FieldError("binding.softDelete.column", "column '" + abbreviate(spec.column())
                    + "' is not listed in binding.columns"));
        }
        if (spec.equals() == null) {
            errors.add(new FieldError("binding.softDelete.equals", "is required: the value that marks a deleted row"));
        }
        return new SoftDeleteRule(spec.column(), spec.equals());
    }
}
