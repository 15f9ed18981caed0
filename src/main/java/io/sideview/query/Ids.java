package io.sideview.query;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.api.ProblemException;
import io.sideview.edge.NodeIds;
import io.sideview.registry.model.IdType;
import java.util.ArrayList;
import java.util.List;

/** Node ids from query parameters or JSON, checked against the view's id type. */
public final class Ids {
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
        if (NodeIds.tooLong(text)) {
            throw ProblemException.badRequest(field, NodeIds.TOO_LONG);
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
