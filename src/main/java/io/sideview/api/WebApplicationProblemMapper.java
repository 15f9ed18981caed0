package io.sideview.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Jersey's own refusals (404 route, 405, 415, 403 from roles...) as problem+json, so every client
 * error of the API has one shape. Headers such as WWW-Authenticate are kept.
 */
@Provider
public class WebApplicationProblemMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = e.getMessage() == null ? title : e.getMessage();
        if (status >= 500) {
            detail = "internal error";
        }
        Response.ResponseBuilder builder = Response.fromResponse(original).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, title, detail));
        return builder.build();
    }
}
