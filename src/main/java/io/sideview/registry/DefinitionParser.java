package io.sideview.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sideview.api.JsonErrors;
import io.sideview.api.StrictJson;
import io.sideview.errors.Refused;
import io.sideview.registry.api.ViewSpec;
import java.nio.charset.StandardCharsets;

/**
 * Reads a definition document strictly ({@link StrictJson}): bounded size, unknown fields refused (a
 * typo such as {@code "nulable"} must not be silently dropped), no coercion ({@code "nullable": "true"}
 * or {@code 0}, {@code "description": true}, {@code "id": 1.5}), duplicate keys and trailing content
 * refused, and parse errors reported with their field path.
 */
public class DefinitionParser {
    private final ObjectReader reader;
    private final int maxBytes;

    public DefinitionParser(ObjectMapper mapper, int maxBytes) {
        this.reader = StrictJson.mapper(mapper).readerFor(ViewSpec.class);
        this.maxBytes = maxBytes;
    }

    public ViewSpec parse(String body) {
        if (body == null || body.isBlank()) {
            throw Refused.badInput("$", "a view definition JSON document is required");
        }
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw new Refused(Refused.Kind.TOO_LARGE, "Definition too large",
                    "document is " + size + " bytes; the limit is " + maxBytes,
                    java.util.List.of(new Refused.Reason("$", "document is " + size + " bytes; the limit is " + maxBytes)));
        }
        try {
            ViewSpec spec = reader.readValue(body);
            if (spec == null) {
                throw Refused.badInput("$", "a view definition JSON object is required, got null");
            }
            return spec;
        } catch (JsonProcessingException e) {
            throw JsonErrors.toRefused(e);
        }
    }
}
