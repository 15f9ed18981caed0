package io.sideview.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Every request body, on every endpoint, is read here first: at most its endpoint's limit (413 past it,
 * before the rest is read), and it must be one well-formed JSON document: no duplicate key (a second
 * {@code "mutations"} would silently replace the first), nothing after the document, valid UTF-8 and
 * no unpaired surrogate in any string (ids that differ only in such code units would collide once
 * stored). Jackson's streaming parser does the checking, with {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION};
 * the resource then reads the same bytes. What a document means (types, unknown fields) is left to
 * each endpoint's reader.
 */
public final class JsonBodyFilter implements Filter {
    private final JsonFactory factory;
    private final ObjectMapper mapper;
    private final ToIntFunction<String> limits;

    /** @param limits the largest body in bytes for a path (servlet path + path info) */
    public JsonBodyFilter(ObjectMapper mapper, ToIntFunction<String> limits) {
        this.mapper = mapper;
        this.factory = mapper.getFactory().copy().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        this.limits = limits;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(req, res);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        int limit = limits.applyAsInt(path);
        // At most limit + 1 bytes are kept, whatever Content-Length says; the rest of an oversized body is
        // read and dropped (ProblemResponses.refuse), so the client gets its 413 rather than a reset.
        byte[] body = request.getInputStream().readNBytes(limit + 1);
        if (body.length > limit) {
            ProblemResponses.refuse(request, (HttpServletResponse) res, mapper,
                    tooLarge(request.getContentLengthLong(), limit));
            return;
        }
        Problem problem = check(body);
        if (problem != null) {
            ProblemResponses.write((HttpServletResponse) res, mapper, problem);
            return;
        }
        chain.doFilter(new Buffered(request, body), res);
    }

    private static Problem tooLarge(long length, int limit) {
        String size = length > limit ? "the body is " + length + " bytes" : "the body is over " + limit + " bytes";
        return ProblemException.invalid(413, "Body too large", List.of(new FieldError("$",
                size + "; the limit is at most " + limit + " bytes"))).problem();
    }

    /** Null if {@code body} is one well-formed JSON document whose strings are all valid Unicode. */
    Problem check(byte[] body) {
        try (JsonParser parser = factory.createParser(body)) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return null; // only whitespace: the endpoint says whether a body is required
            }
            int depth = 0;
            while (true) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    String text = t == JsonToken.FIELD_NAME ? parser.currentName() : parser.getText();
                    int at = Texts.unpairedSurrogate(text);
                    if (at >= 0) {
                        return bad(JsonErrors.path(parser.getParsingContext()), "contains an unpaired surrogate "
                                + String.format("(U+%04X)", (int) text.charAt(at)) + "; strings must be valid Unicode");
                    }
                }
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                if (depth == 0) {
                    break;
                }
                t = parser.nextToken(); // never null inside a document: an early end throws
            }
            try {
                if (parser.nextToken() != null) {
                    return bad("$", "unexpected content after the JSON document");
                }
            } catch (JsonProcessingException e) {
                return bad("$", "unexpected content after the JSON document");
            }
            return null;
        } catch (JsonProcessingException e) {
            return JsonErrors.toProblem(e);
        } catch (IOException e) {
            return bad("$", "the body could not be read");
        }
    }

    private static Problem bad(String field, String reason) {
        return ProblemException.invalid(400, "Malformed request body", List.of(new FieldError(field, reason))).problem();
    }

    /** The request with its body already read: the resource reads the same bytes again. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
