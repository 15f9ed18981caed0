package io.sideview.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.FieldError;
import io.sideview.api.Problem;
import io.sideview.api.ProblemException;
import io.sideview.api.ProblemResponses;
import io.sideview.api.Texts;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses, before any resource, task or query runs, what a page of another site could make a browser
 * send (on the API and on the admin port alike):
 * <ol>
 *   <li>a {@code Host} (or forwarded host) that is neither loopback nor configured (DNS rebinding): 403;</li>
 *   <li>a write (POST, PUT, PATCH, DELETE) whose {@code Origin} is another origin, or whose
 *       {@code Sec-Fetch-Site} is not {@code same-origin}: 403;</li>
 *   <li>a body that is not {@code application/json} (UTF-8): 415. A page can send a form, text or a
 *       Blob cross-site without a preflight, but never JSON without asking first;</li>
 *   <li>a token in the query string ({@code access_token}): 401, since URLs end up in logs, histories
 *       and Referer headers; tokens go only in the {@code Authorization} header.</li>
 * </ol>
 */
public final class RequestGuardFilter implements Filter {
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> SAME_SITE_FETCH = Set.of("same-origin", "none");

    private final AllowedHosts hosts;
    private final ObjectMapper mapper;

    public RequestGuardFilter(AllowedHosts hosts, ObjectMapper mapper) {
        this.hosts = hosts;
        this.mapper = mapper;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        Problem refused = check(request);
        if (refused != null) {
            HttpServletResponse response = (HttpServletResponse) res;
            if (refused.status() == 401) {
                response.setHeader("WWW-Authenticate", ReadAccess.challenge());
            }
            ProblemResponses.refuse(request, response, mapper, refused);
            return;
        }
        chain.doFilter(req, res);
    }

    Problem check(HttpServletRequest request) {
        String host = request.getHeader("Host");
        // HTTP/1.1 requires Host (Jetty refuses its absence); only HTTP/1.0 may leave it out, and no browser does.
        if (host != null && !hosts.allows(host)) {
            return refuse(403, "Forbidden", "Host", "host '" + Texts.abbreviate(host)
                    + "' is not served here; use a loopback address or add the name to security.allowedHosts");
        }
        // With server.*Connectors[].useForwardedHeaders on, Jetty takes the host from these instead, and
        // Location headers would carry it: a forwarded host must be one the service answers to as well.
        FieldError forwarded = forwardedHostProblem(request);
        if (forwarded != null) {
            return refuse(403, "Forbidden", forwarded.field(), forwarded.reason());
        }
        if (WRITES.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            String origin = request.getHeader("Origin");
            if (origin != null && !sameOrigin(origin, host)) {
                return refuse(403, "Forbidden", "Origin", "a write from another origin ('" + Texts.abbreviate(origin)
                        + "') is refused");
            }
            String site = request.getHeader("Sec-Fetch-Site");
            if (site != null && !SAME_SITE_FETCH.contains(site.trim().toLowerCase(Locale.ROOT))) {
                return refuse(403, "Forbidden", "Sec-Fetch-Site", "a write from another site ('"
                        + Texts.abbreviate(site) + "') is refused");
            }
        }
        if (hasBody(request)) {
            // The raw header: Jetty's getContentType() throws on an unknown charset (a 500 before this fix).
            String reason = jsonContentTypeProblem(request.getHeader("Content-Type"));
            if (reason != null) {
                return refuse(415, "Unsupported Media Type", "Content-Type", reason);
            }
        }
        if (hasAccessToken(request.getQueryString())) {
            return refuse(401, "Unauthorized", "access_token", "tokens are accepted only in the Authorization header "
                    + "(Authorization: Bearer <token>), never in the URL, which ends up in logs and histories");
        }
        return null;
    }

    /** The header and reason of the first forwarded host that is not allowed, else null. */
    private FieldError forwardedHostProblem(HttpServletRequest request) {
        for (String value : Collections.list(request.getHeaders("X-Forwarded-Host"))) {
            for (String h : value.split(",")) {
                if (!h.isBlank() && !hosts.allows(h.trim())) {
                    return new FieldError("X-Forwarded-Host", "forwarded host '" + Texts.abbreviate(h.trim())
                            + "' is not served here");
                }
            }
        }
        for (String value : Collections.list(request.getHeaders("Forwarded"))) {
            for (String part : value.split("[,;]")) {
                String p = part.trim();
                if (p.regionMatches(true, 0, "host=", 0, 5)) {
                    String h = p.substring(5).replace("\"", "").trim();
                    if (!hosts.allows(h)) {
                        return new FieldError("Forwarded", "forwarded host '" + Texts.abbreviate(h) + "' is not served here");
                    }
                }
            }
        }
        return null;
    }

    private static Problem refuse(int status, String title, String field, String reason) {
        return ProblemException.invalid(status, title, List.of(new FieldError(field, reason))).problem();
    }

    /** Browsers send the origin as scheme://host[:port]; the scheme is not compared (a TLS proxy may front us). */
    static boolean sameOrigin(String origin, String host) {
        int sep = origin.indexOf("://");
        if (host == null || sep < 0) {
            return false; // "null" (sandboxed frames, file: pages) or malformed: never the same origin
        }
        return origin.substring(sep + 3).equalsIgnoreCase(host.trim());
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Null if {@code contentType} is application/json with no charset or UTF-8, else why not. */
    static String jsonContentTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "a request body needs Content-Type: application/json; none was sent";
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return "a request body must be application/json, got '" + Texts.abbreviate(contentType) + "'";
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = p.substring(eq + 1).trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return "charset '" + Texts.abbreviate(charset) + "' is not supported; send UTF-8";
                }
            }
        }
        return null;
    }

    /** Reads the raw query string, so a malformed one is still left for the resource to refuse. */
    static boolean hasAccessToken(String query) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // leave the raw name; a malformed escape is refused later
            }
            if (name.equals("access_token")) {
                return true;
            }
        }
        return false;
    }
}
