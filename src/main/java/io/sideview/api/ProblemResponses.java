package io.sideview.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/** Writes a problem+json refusal from a servlet filter, outside Jersey and its mappers. */
public final class ProblemResponses {
    /** The most of a refused request's body read and dropped before the answer (beyond it, the connection closes). */
    static final long MAX_DRAIN = 16L * 1024 * 1024;

    private ProblemResponses() {}

    /**
     * Refuses a request that may still be sending its body: what is left of the body (up to
     * {@link #MAX_DRAIN} bytes, through a small buffer) is read and dropped first, so the client reads
     * the problem instead of a connection reset.
     */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, ObjectMapper mapper, Problem problem)
            throws IOException {
        if (request.getContentLengthLong() != 0) {
            drain(request.getInputStream());
        }
        write(response, mapper, problem);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        long left = MAX_DRAIN;
        try {
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up, or the body cannot be read: the answer may still reach it
        }
    }

    public static void write(HttpServletResponse response, ObjectMapper mapper, Problem problem) throws IOException {
        byte[] body = mapper.writeValueAsBytes(problem);
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
