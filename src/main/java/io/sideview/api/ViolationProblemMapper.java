package io.sideview.api;

import io.dropwizard.jersey.validation.ConstraintMessage;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** Bean Validation failures on parameters (e.g. {@code limit} out of range) as 400 problem+json. */
@Provider
public class ViolationProblemMapper implements ExceptionMapper<JerseyViolationException> {
    @Override
    public Response toResponse(JerseyViolationException e) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(field(v), ConstraintMessage.getMessage(v, e.getInvocable())))
                .toList();
        int status = ConstraintMessage.determineStatus(e.getConstraintViolations(), e.getInvocable());
        return ProblemExceptionMapper.respond(ProblemException.invalid(status, "Invalid request", errors).problem());
    }

    private static String field(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        int dot = path.lastIndexOf('.');
        return dot >= 0 ? path.substring(dot + 1) : path;
    }
}
