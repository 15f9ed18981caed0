package io.sideview.registry;

import static io.sideview.api.Texts.abbreviate;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.api.FieldError;
import io.sideview.registry.api.ViewSpec;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link ViewSpec} and turns it into a {@link ViewDefinition} (ids still 0: the registry
 * allocates them). Every problem found is reported, each with its field path, not only the first.
 */
public class ViewValidator {
    static final int MAX_PROPERTIES = 64;
    static final int MAX_INDEXES = 16;
    static final int MAX_INDEX_FIELDS = 8;
    static final int MAX_DESCRIPTION = 1024;

    private final BindingValidator bindings;

    public ViewValidator(Set<String> sourceGroups) {
        this.bindings = new BindingValidator(sourceGroups);
    }

    /** Returns the definition, or the errors when the list passed in has grown. */
    public ViewDefinition validate(ViewSpec spec, List<FieldError> errors) {
        if (spec == null) {
            errors.add(new FieldError("$", "a view definition object is required"));
            return null;
        }
        checkName("name", spec.name(), errors);
        if (spec.description() != null && spec.description().length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        IdType sourceType = idType("sourceType", spec.sourceType(), errors);
        IdType targetType = idType("targetType", spec.targetType(), errors);
        Direction direction = direction(spec.direction(), errors);
        List<PropertyDef> properties = properties(spec.properties(), errors);
        List<IndexDef> indexes = indexes(spec.indexes(), properties, errors);
        ViewDefinition partial = new ViewDefinition(spec.name(), spec.description(), sourceType, targetType,
                direction, properties, indexes, null);
        var binding = spec.binding() == null ? null : bindings.validate(spec.binding(), partial, errors);
        return new ViewDefinition(spec.name(), spec.description(), sourceType, targetType, direction,
                properties, indexes, binding);
    }

    static void checkName(String field, String name, List<FieldError> errors) {
        if (name == null || name.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!Names.isName(name)) {
            errors.add(new FieldError(field, Names.NAME_RULE + ", got '" + abbreviate(name) + "'"));
        } else if (Names.RESERVED.contains(name)) {
            errors.add(new FieldError(field, "'" + name + "' is a reserved word"));
        }
    }

    private static IdType idType(String field, String text, List<FieldError> errors) {
        if (text == null) {
            errors.add(new FieldError(field, "is required: long or string"));
            return null;
        }
        return IdType.parse(text).orElseGet(() -> {
            errors.add(new FieldError(field, "unknown id type '" + abbreviate(text) + "'; expected long or string"));
            return null;
        });
    }

    private static Direction direction(String text, List<FieldError> errors) {
        if (text == null) {
            errors.add(new FieldError("direction", "is required: OUT, IN or BOTH"));
            return null;
        }
        for (Direction d : Direction.values()) {
            if (d.name().equals(text)) {
                return d;
            }
        }
        errors.add(new FieldError("direction", "unknown direction '" + abbreviate(text) + "'; expected OUT, IN or BOTH"));
        return null;
    }

    private static List<PropertyDef> properties(List<ViewSpec.PropertySpec> specs, List<FieldError> errors) {
        List<PropertyDef> out = new ArrayList<>();
        if (specs == null) {
            return out;
        }
        if (specs.size() > MAX_PROPERTIES) {
            errors.add(new FieldError("properties", "at most " + MAX_PROPERTIES + " properties, got " + specs.size()));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "properties[" + i + "]";
            ViewSpec.PropertySpec p = specs.get(i);
            if (p == null) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            checkName(at + ".name", p.name(), errors);
            if (p.name() != null && !seen.add(p.name())) {
                errors.add(new FieldError(at + ".name", "duplicate property name '" + p.name() + "'"));
            }
            PropertyType type = null;
            if (p.type() == null) {
                errors.add(new FieldError(at + ".type", "is required: boolean, int, long, double or string"));
            } else {
                type = PropertyType.parse(p.type()).orElse(null);
                if (type == null) {
                    errors.add(new FieldError(at + ".type", "unknown type '" + abbreviate(p.type())
                            + "'; expected boolean, int, long, double or string"));
                }
            }
            boolean nullable = Boolean.TRUE.equals(p.nullable());
            Object defaultValue = type == null ? null : defaultValue(at + ".default", p.defaultValue(), type, nullable, errors);
            out.add(new PropertyDef(0, p.name(), type, nullable, defaultValue));
        }
        return out;
    }

    private static Object defaultValue(String field, JsonNode node, PropertyType type, boolean nullable,
                                       List<FieldError> errors) {
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            if (!nullable) {
                errors.add(new FieldError(field, "null default on a property that is not nullable"));
            }
            return null;
        }
        Object value = switch (type) {
            case BOOLEAN -> node.isBoolean() ? node.booleanValue() : null;
            case INT -> node.isInt() ? node.intValue() : null;
            case LONG -> node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
            case DOUBLE -> node.isNumber() ? node.doubleValue() : null;
            case STRING -> node.isTextual() ? node.textValue() : null;
        };
        if (value == null) {
            errors.add(new FieldError(field, "default " + abbreviate(node.toString()) + " is not of type " + type.wireName()));
        }
        return value;
    }

    private static List<IndexDef> indexes(List<ViewSpec.IndexSpec> specs, List<PropertyDef> properties,
                                          List<FieldError> errors) {
        List<IndexDef> out = new ArrayList<>();
        if (specs == null) {
            return out;
        }
        if (specs.size() > MAX_INDEXES) {
            errors.add(new FieldError("indexes", "at most " + MAX_INDEXES + " indexes, got " + specs.size()));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "indexes[" + i + "]";
            ViewSpec.IndexSpec idx = specs.get(i);
            if (idx == null) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            checkName(at + ".name", idx.name(), errors);
            if (idx.name() != null && !names.add(idx.name())) {
                errors.add(new FieldError(at + ".name", "duplicate index name '" + idx.name() + "'"));
            }
            List<IndexField> fields = indexFields(at, idx.fields(), properties, errors);
            out.add(new IndexDef(0, idx.name(), fields));
        }
        return out;
    }

    private static List<IndexField> indexFields(String at, List<ViewSpec.IndexFieldSpec> specs,
                                                List<PropertyDef> properties, List<FieldError> errors) {
        List<IndexField> out = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            errors.add(new FieldError(at + ".fields", "an index needs at least one field"));
            return out;
        }
        if (specs.size() > MAX_INDEX_FIELDS) {
            errors.add(new FieldError(at + ".fields", "at most " + MAX_INDEX_FIELDS + " fields, got " + specs.size()));
        }
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < specs.size(); j++) {
            String fat = at + ".fields[" + j + "]";
            ViewSpec.IndexFieldSpec f = specs.get(j);
            if (f == null || f.field() == null) {
                errors.add(new FieldError(fat + ".field", "is required"));
                continue;
            }
            boolean known = IndexField.SYSTEM_FIELDS.contains(f.field())
                    || properties.stream().anyMatch(p -> f.field().equals(p.name()));
            if (!known) {
                errors.add(new FieldError(fat + ".field", "unknown field '" + abbreviate(f.field())
                        + "'; expected a property or one of source, target, version"));
            }
            if (!seen.add(f.field())) {
                errors.add(new FieldError(fat + ".field", "field '" + f.field() + "' appears twice in the index"));
            }
            SortOrder order = SortOrder.ASC;
            if (f.order() != null) {
                if (f.order().equals("ASC") || f.order().equals("DESC")) {
                    order = SortOrder.valueOf(f.order());
                } else {
                    errors.add(new FieldError(fat + ".order", "unknown order '" + abbreviate(f.order()) + "'; expected ASC or DESC"));
                }
            }
            out.add(new IndexField(f.field(), order));
        }
        return out;
    }
}
