package io.sideview.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;

/** Turns Jackson's parse errors into a field path and a short reason, without leaking class names. */
public final class JsonErrors {
    private JsonErrors() {}

    public static Problem toProblem(JsonProcessingException e) {
        String field = "$";
        String reason;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = path(m.getPath());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof InvalidFormatException f) {
            reason = "value " + f.getValue() + " is not " + simpleType(f.getTargetType());
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            reason = "expected " + simpleType(mi.getTargetType());
        } else {
            reason = "malformed JSON: " + e.getOriginalMessage();
        }
        return new Problem("about:blank", "Malformed request body", 400, field + ": " + reason,
                List.of(new FieldError(field, reason)));
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "$" : sb.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        return "an object";
    }
}
