package io.sideview.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;

/** Turns Jackson's parse errors into a field path and a short reason, without leaking class names. */
public final class JsonErrors {
    private JsonErrors() {}

    /** The same, as a domain refusal (for parsers outside the HTTP layer). */
    public static io.sideview.errors.Refused toRefused(JsonProcessingException e) {
        Problem p = toProblem(e);
        return new io.sideview.errors.Refused(io.sideview.errors.Refused.Kind.BAD_INPUT, p.title(), p.detail(),
                p.errors().stream().map(f -> new io.sideview.errors.Refused.Reason(f.field(), f.reason())).toList());
    }

    public static Problem toProblem(JsonProcessingException e) {
        String field = "$";
        String reason;
        StreamReadException read = e instanceof StreamReadException r ? r
                : e.getCause() instanceof StreamReadException r ? r : null;
        // A document cut short is wrong as a whole ($), not at the field where it stops.
        boolean truncated = read != null && read.getOriginalMessage() != null
                && read.getOriginalMessage().contains("end-of-input");
        if (read != null && read.getProcessor() != null && !truncated) {
            // A token-level error (a duplicate key, a bad literal), possibly wrapped with a coarser path by
            // databind: where the parser stood names the field.
            field = path(read.getProcessor().getParsingContext());
            e = read;
        } else if (truncated) {
            e = read;
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = path(m.getPath());
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Trailing token")) {
            reason = "unexpected content after the JSON document";
        } else if (original.startsWith("Duplicate field")) {
            reason = "duplicate key; each key may appear once";
        } else if (e instanceof UnrecognizedPropertyException u) {
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

    /** The field the parser is at, as {@code a.b[2].c}; {@code $} at the top level. */
    public static String path(JsonStreamContext context) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (sb.length() > 0 && !part.startsWith("[")) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.length() == 0 ? "$" : sb.toString();
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
