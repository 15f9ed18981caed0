package io.sideview.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * One reading per query string on the API: a parameter given twice is a 400 unless it is one of the
 * query API's repeatable ones, and an empty value is a 400 (JAX-RS would quietly take the first of
 * two values, and the resources read an empty value as absent). A query string that cannot be decoded
 * is a 400 here too, for every endpoint.
 */
public final class QueryParamsFilter implements Filter {
    /** Parameters some endpoint takes more than once (edge: source, target; count: start; scan: range). */
    static final Set<String> REPEATABLE = Set.of("source", "target", "start", "range");

    private final ObjectMapper mapper;

    public QueryParamsFilter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (request.getQueryString() == null) {
            chain.doFilter(req, res);
            return;
        }
        FieldError error = null;
        try {
            for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
                String name = p.getKey();
                String[] values = p.getValue();
                if (values.length > 1 && !REPEATABLE.contains(name)) {
                    error = new FieldError(Texts.abbreviate(name), "given " + values.length + " times; it takes one value");
                    break;
                }
                for (String v : values) {
                    if (v.isEmpty()) {
                        error = new FieldError(Texts.abbreviate(name), "is empty; leave the parameter out instead");
                        break;
                    }
                }
                if (error != null) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // Jetty refuses a malformed query string (a bad %-escape, invalid UTF-8) when it is first read.
            error = new FieldError("query", "malformed query string");
        }
        if (error != null) {
            ProblemResponses.refuse(request, (HttpServletResponse) res, mapper,
                    ProblemException.badRequest(error.field(), error.reason()).problem());
            return;
        }
        chain.doFilter(req, res);
    }
}
