package io.sideview.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A body Jersey could not parse as JSON is the client's fault: 400 with the parser's field path. */
@Provider
public class JsonProblemMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        return ProblemExceptionMapper.respond(JsonErrors.toProblem(e));
    }
}
