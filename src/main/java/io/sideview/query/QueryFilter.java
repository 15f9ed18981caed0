package io.sideview.query;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.sideview.api.FieldError;
import io.sideview.api.Problem;
import io.sideview.api.ProblemException;
import io.sideview.api.RefusedMapper;
import io.sideview.api.UnexpectedErrorMapper;
import io.sideview.auth.ProblemUnauthorizedHandler;
import io.sideview.auth.ReadAccess;
import io.sideview.errors.Refused;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpException;

/**
 * Serves {@code GET /api/v1/views/{view}/edge|count|scan|mutual} in front of Jersey (other methods on
 * those paths: 405); every other request under {@code /api/v1/views/} goes on to Jersey unchanged.
 *
 * <p>Why not a Jersey resource: these four are the product's hot path, and on this 2-core target
 * Jersey's per-request machinery (routing, filters, providers, per-method metric listeners) cost more
 * CPU than the query itself (docs/benchmarks.md: ~80 of ~120 µs per count). This filter does only
 * what those endpoints need, with the same contract as the rest of the API: the same bearer-token rule
 * ({@link ReadAccess}), the same problem+json refusals with the field and the reason, the same JSON
 * mapper, a timer per shape ({@code io.sideview.query.QueryFilter.<shape>}) and one per view and shape
 * ({@code query.<view>.<shape>}) of the queries answered.
 */
public class QueryFilter implements Filter {
    /** Where the filter is mapped (the app context's path, Jersey lives under /api). */
    public static final String MAPPING = "/api/v1/views/*";
    private static final String PREFIX = "/api/v1/views/";
    private static final String JSON = "application/json";

    private enum Shape { edge, count, scan, mutual }

    private final QueryService queries;
    private final ReadAccess access;
    private final ObjectWriter json;
    private final Timer[] timers = new Timer[Shape.values().length];
    private final Meter clientErrors;
    private final Meter serverErrors;
    private final MetricRegistry metrics;
    /** Per view and shape, made on a view's first answered query: a name that is no view never gets a timer. */
    private final Map<String, Timer> viewTimers = new ConcurrentHashMap<>();

    public QueryFilter(QueryService queries, ReadAccess access, ObjectMapper mapper, MetricRegistry metrics) {
        this.queries = queries;
        this.access = access;
        this.json = mapper.writer();
        this.metrics = metrics;
        for (Shape shape : Shape.values()) {
            timers[shape.ordinal()] = metrics.timer(MetricRegistry.name(QueryFilter.class, shape.name()));
        }
        this.clientErrors = metrics.meter(MetricRegistry.name(QueryFilter.class, "4xx-responses"));
        this.serverErrors = metrics.meter(MetricRegistry.name(QueryFilter.class, "5xx-responses"));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Shape shape = shapeOf(path);
        if (shape == null) {
            chain.doFilter(req, res);
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            problem(response, Problem.of(405, "Method Not Allowed", "only GET is served here"));
            return;
        }
        String view = path.substring(PREFIX.length(), path.lastIndexOf('/'));
        long started = System.nanoTime();
        try (Timer.Context ignored = timers[shape.ordinal()].time()) {
            if (!access.allows(request.getHeader("Authorization"))) {
                response.setHeader("WWW-Authenticate", ReadAccess.challenge());
                problem(response, ProblemUnauthorizedHandler.problem());
                return;
            }
            byte[] answer = json.writeValueAsBytes(answer(shape, view, request));
            // Only answered queries: the view exists, so its name is safe to put in a metric name.
            viewTimers.computeIfAbsent(view + "." + shape.name(), k -> metrics.timer(MetricRegistry.name("query", k)))
                    .update(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            write(response, 200, JSON, answer);
        } catch (Refused e) {
            problem(response, RefusedMapper.problem(e));
        } catch (ProblemException e) {
            problem(response, e.problem());
        } catch (RuntimeException e) {
            if (e instanceof HttpException refused && refused.getCode() >= 400 && refused.getCode() < 500) {
                // Jetty refuses a malformed query string (bad %-escape, bad UTF-8) when the parameters are read.
                problem(response, ProblemException.invalid(refused.getCode(), "Bad request",
                        List.of(new FieldError("query", "malformed query string: " + e.getMessage()))).problem());
                return;
            }
            problem(response, UnexpectedErrorMapper.logged(e));
        }
    }

    private Object answer(Shape shape, String view, HttpServletRequest r) {
        return switch (shape) {
            case edge -> queries.edge(view, all(r, "source"), all(r, "target"));
            case count -> queries.count(view, all(r, "start"), one(r, "direction"));
            case scan -> queries.scan(view, one(r, "start"), one(r, "direction"), one(r, "index"),
                    one(r, "limit"), one(r, "cursor"), all(r, "range"));
            case mutual -> queries.mutual(view, one(r, "a"), one(r, "b"), one(r, "limit"), one(r, "cursor"));
        };
    }

    /** "GET /v1/views/{view}/<shape>" for each shape served here (paths under /api, as the OpenAPI document has them). */
    public static Set<String> endpoints() {
        Set<String> out = new TreeSet<>();
        for (Shape shape : Shape.values()) {
            out.add("GET /v1/views/{view}/" + shape.name());
        }
        return out;
    }

    /** {@code /api/v1/views/{view}/{shape}} with a non-empty view and a known shape, else null. */
    private static Shape shapeOf(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        int slash = path.indexOf('/', PREFIX.length());
        if (slash <= PREFIX.length() || path.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return switch (path.substring(slash + 1)) {
            case "edge" -> Shape.edge;
            case "count" -> Shape.count;
            case "scan" -> Shape.scan;
            case "mutual" -> Shape.mutual;
            default -> null;
        };
    }

    /**
     * A single-value parameter: absent is null; given twice or empty is a 400 (reading the first of two,
     * or an empty value as absent, would answer a question the client did not ask).
     */
    private static String one(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null) {
            return null;
        }
        if (values.length > 1) {
            throw ProblemException.badRequest(name, "given " + values.length + " times; it takes one value");
        }
        if (values[0].isEmpty()) {
            throw ProblemException.badRequest(name, "is empty; leave the parameter out instead");
        }
        return values[0];
    }

    /** A repeatable parameter; an empty value is a 400. */
    private static List<String> all(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null) {
            return List.of();
        }
        for (String v : values) {
            if (v.isEmpty()) {
                throw ProblemException.badRequest(name, "has an empty value");
            }
        }
        return Arrays.asList(values);
    }

    private void problem(HttpServletResponse response, Problem problem) throws IOException {
        (problem.status() >= 500 ? serverErrors : clientErrors).mark();
        write(response, problem.status(), Problem.MEDIA_TYPE, json.writeValueAsBytes(problem));
    }

    private static void write(HttpServletResponse response, int status, String type, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
