package io.sideview.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Jackson set to read client documents exactly as written, with its own switches: unknown fields,
 * duplicate keys and trailing content fail, and no value is coerced into another type ({@code true}
 * or {@code 1} is not a string, {@code 0}, {@code ""} or {@code "true"} is not a boolean, {@code 1.5}
 * or {@code "1"} is not an integer). A copy of the service's mapper (same modules), so the shared one
 * keeps reading stored documents and configuration leniently, as it always has.
 */
public final class StrictJson {
    private StrictJson() {}

    public static ObjectMapper mapper(ObjectMapper base) {
        ObjectMapper strict = base.copy();
        strict.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        strict.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        strict.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        refuse(strict, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(strict, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String,
                CoercionInputShape.EmptyString);
        refuse(strict, LogicalType.Integer, CoercionInputShape.Float, CoercionInputShape.String, CoercionInputShape.EmptyString,
                CoercionInputShape.Boolean);
        refuse(strict, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.Boolean);
        refuse(strict, LogicalType.Collection, CoercionInputShape.String, CoercionInputShape.EmptyString);
        refuse(strict, LogicalType.POJO, CoercionInputShape.String, CoercionInputShape.EmptyString);
        return strict;
    }

    private static void refuse(ObjectMapper mapper, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }
}
