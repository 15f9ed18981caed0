package io.sideview.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bug is still a problem document: logged with an id the caller can quote, never a stack trace out. */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);

    @Override
    public Response toResponse(RuntimeException e) {
        return ProblemExceptionMapper.respond(logged(e));
    }

    /** Logs the error under a fresh id and answers the problem that quotes it (also used outside Jersey). */
    public static Problem logged(RuntimeException e) {
        String id = UUID.randomUUID().toString();
        LOG.error("Unexpected error {}", id, e);
        return Problem.of(500, "Internal error", "unexpected error, id " + id);
    }
}
