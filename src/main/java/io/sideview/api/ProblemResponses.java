package io.sideview.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes a problem+json refusal from a servlet filter, outside Jersey and its mappers. */
public final class ProblemResponses {
    private ProblemResponses() {}

    public static void write(HttpServletResponse response, ObjectMapper mapper, Problem problem) throws IOException {
        byte[] body = mapper.writeValueAsBytes(problem);
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
