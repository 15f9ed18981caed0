package io.sideview.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.sideview.api.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** 401 in the same problem+json shape as every other refusal, with the standard challenge header. */
public class ProblemUnauthorizedHandler implements UnauthorizedHandler {
    @Override
    public Response buildResponse(String prefix, String realm) {
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(401, "Unauthorized", "a valid bearer token is required"))
                .build();
    }
}
