package io.sideview.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.Problem;
import io.sideview.api.ProblemResponses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * When tokens are configured, the admin port (tasks, thread dumps, metrics, log levels) needs an admin
 * token, as API writes do. Only the probes a load balancer or orchestrator calls stay open:
 * {@code /healthcheck}, {@code /ping} and the liveness/readiness path ({@code /health-check}, Dropwizard's
 * {@code health.healthCheckUrlPaths}), which change nothing. {@code /metrics} and {@code /metrics/prometheus}
 * need the token: they name every view and shard, and Prometheus scrapes with a bearer token.
 */
public final class AdminTokenFilter implements Filter {
    static final Set<String> OPEN_PATHS = Set.of("/healthcheck", "/ping");

    private final TokenAuthenticator tokens;
    private final ObjectMapper mapper;
    private final Set<String> open;

    /** {@code probes}: the health servlet's paths, open besides {@link #OPEN_PATHS}. */
    public AdminTokenFilter(AuthConfig config, ObjectMapper mapper, Collection<String> probes) {
        this.tokens = new TokenAuthenticator(config);
        this.mapper = mapper;
        Set<String> all = new HashSet<>(OPEN_PATHS);
        all.addAll(probes);
        this.open = Set.copyOf(all);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (open.contains(path)) {
            chain.doFilter(req, res);
            return;
        }
        String token = ReadAccess.bearerToken(request.getHeader("Authorization"));
        Optional<Caller> caller = token == null ? Optional.empty() : tokens.authenticate(token);
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", ReadAccess.challenge());
            ProblemResponses.refuse(request, response, mapper, Problem.of(401, "Unauthorized",
                    "the admin port needs an admin bearer token (Authorization: Bearer <token>)"));
            return;
        }
        if (!caller.get().roles().contains(Roles.ADMIN)) {
            ProblemResponses.refuse(request, response, mapper, Problem.of(403, "Forbidden",
                    "the admin port needs an admin token; a reader token may only query the API"));
            return;
        }
        chain.doFilter(req, res);
    }
}
