package io.sideview.query;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.errors.Refused;
import io.sideview.edge.NodeIds;
import io.sideview.registry.model.IdType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Node ids from query parameters or JSON, checked against the view's id type. */
public final class Ids {
    /**
     * The one spelling of an integer the API reads: ASCII digits, an optional leading minus, no leading
     * zero. Long.parseLong alone also reads "+1", "01" and Arabic-Indic or fullwidth digits, so many
     * texts would name node 1.
     */
    private static final Pattern DECIMAL = Pattern.compile("0|-?[1-9][0-9]*");

    private Ids() {}

    /** {@code text} as a long if it is spelled as {@link #DECIMAL} and fits; else a NumberFormatException. */
    public static long decimal(String text) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            throw new NumberFormatException("not a plain decimal integer");
        }
        return Long.parseLong(text);
    }

    public static Object parse(String field, String text, IdType type) {
        if (text == null || text.isEmpty()) {
            throw Refused.badInput(field, "is required");
        }
        if (type == IdType.LONG) {
            try {
                return decimal(text);
            } catch (NumberFormatException e) {
                throw Refused.badInput(field, "'" + abbreviate(text) + "' is not a long id (ASCII digits, "
                        + "an optional minus, no leading zero, no -0)");
            }
        }
        if (NodeIds.tooLong(text)) {
            throw Refused.badInput(field, NodeIds.TOO_LONG);
        }
        if (io.sideview.api.Texts.unpairedSurrogate(text) >= 0) {
            // Stored as UTF-8, an unpaired surrogate would become '?' and collide with other ids.
            throw Refused.badInput(field, "is not valid Unicode (an unpaired surrogate)");
        }
        return text;
    }

    public static List<Object> parseAll(String field, List<String> texts, IdType type, int max) {
        if (texts == null || texts.isEmpty()) {
            throw Refused.badInput(field, "is required");
        }
        if (texts.size() > max) {
            throw Refused.badInput(field, "at most " + max + " values, got " + texts.size());
        }
        List<Object> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(parse(field, t, type));
        }
        return out;
    }
}
