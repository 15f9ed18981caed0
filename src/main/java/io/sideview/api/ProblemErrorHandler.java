package io.sideview.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a request it rejects before any filter or resource runs, such as a URI with
 * an empty segment) as problem+json instead of Jetty's HTML page, so every error a client can get
 * from the service has the same shape. The reason Jetty gives is kept; nothing else is shown.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    private final ObjectMapper mapper;

    public ProblemErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        int status = response.getStatus() >= 400 ? response.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR_500;
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m && !m.isBlank()
                ? m : HttpStatus.getMessage(status);
        String title = HttpStatus.getMessage(status);
        // A 5xx from Jetty itself carries no detail worth showing; a 4xx names what was wrong.
        String detail = status >= 500 ? "the server could not answer the request" : reason;
        byte[] body = mapper.writeValueAsBytes(Problem.of(status, title, detail));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
