package io.sideview.api;

import io.sideview.errors.Refused;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A service's refusal as problem+json: the status is chosen here, by the refusal's kind. */
@Provider
public class RefusedMapper implements ExceptionMapper<Refused> {
    @Override
    public Response toResponse(Refused e) {
        return ProblemExceptionMapper.respond(problem(e));
    }

    public static int status(Refused.Kind kind) {
        return switch (kind) {
            case BAD_INPUT -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case INVALID -> 422;
        };
    }

    /** The problem document of a refusal (also written by the query filter and printed by the tasks). */
    public static Problem problem(Refused e) {
        return new Problem("about:blank", e.title(), status(e.kind()), e.detail(),
                e.reasons().stream().map(r -> new FieldError(r.field(), r.reason())).toList());
    }
}
