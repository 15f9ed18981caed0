package io.sideview.query;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.api.ProblemException;
import io.sideview.registry.model.IdType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Node ids from query parameters or JSON, checked against the view's id type. */
public final class Ids {
    /** Longest string id, in UTF-8 bytes: ids are parts of storage keys. */
    public static final int MAX_STRING_ID_BYTES = 512;
    public static final String TOO_LONG = "string ids are at most " + MAX_STRING_ID_BYTES + " bytes";

    /** The one id-length rule, for query parameters and mutation bodies alike. */
    public static boolean tooLong(String id) {
        return id.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_ID_BYTES;
    }

    private Ids() {}

    public static Object parse(String field, String text, IdType type) {
        if (text == null || text.isEmpty()) {
            throw ProblemException.badRequest(field, "is required");
        }
        if (type == IdType.LONG) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest(field, "'" + abbreviate(text) + "' is not a long id");
            }
        }
        if (tooLong(text)) {
            throw ProblemException.badRequest(field, TOO_LONG);
        }
        return text;
    }

    public static List<Object> parseAll(String field, List<String> texts, IdType type, int max) {
        if (texts == null || texts.isEmpty()) {
            throw ProblemException.badRequest(field, "is required");
        }
        if (texts.size() > max) {
            throw ProblemException.badRequest(field, "at most " + max + " values, got " + texts.size());
        }
        List<Object> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(parse(field, t, type));
        }
        return out;
    }
}
