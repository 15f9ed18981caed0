package io.sideview.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.sideview.api.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** 401 in the same problem+json shape as every other refusal, with the standard challenge header. */
public class ProblemUnauthorizedHandler implements UnauthorizedHandler {
    /** The auth scheme and realm of every challenge (Jersey's auth filter and the query fast path). */
    public static final String PREFIX = "Bearer";
    public static final String REALM = "sideview";

    @Override
    public Response buildResponse(String prefix, String realm) {
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge(prefix, realm))
                .type(Problem.MEDIA_TYPE)
                .entity(problem())
                .build();
    }

    public static String challenge(String prefix, String realm) {
        return prefix + " realm=\"" + realm + "\"";
    }

    public static Problem problem() {
        return Problem.of(401, "Unauthorized", "a valid bearer token is required");
    }
}
