package io.sideview.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.FieldError;
import io.sideview.api.Problem;
import io.sideview.api.ProblemException;
import io.sideview.api.ProblemResponses;
import io.sideview.api.Texts;
import io.sideview.registry.Names;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the parameters of admin tasks before Dropwizard's task servlet runs them: the servlet answers
 * any exception a task throws with a 500, and a task cannot set a status of its own. So input that a
 * task would choke on ({@code log-level duration=NaN}, a name that cannot be a view's) is refused here
 * with a 400 problem naming the parameter. What a task refuses itself ("refused: ..." lines) stays a
 * 200 with the reason in the body.
 */
public final class TaskInputFilter implements Filter {
    /** Mapped on the admin context. */
    public static final String MAPPING = "/tasks/*";
    private static final Set<String> LEVELS = Set.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private final ObjectMapper mapper;
    /** Source group to its shard names, from the configuration: what shard-pause, -resume and -restart may name. */
    private final Map<String, List<String>> shards;

    public TaskInputFilter(ObjectMapper mapper, Map<String, List<String>> shards) {
        this.mapper = mapper;
        this.shards = shards;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        FieldError error;
        try {
            error = check(request.getPathInfo(), request.getParameterMap(), shards);
        } catch (RuntimeException e) {
            // Jetty refuses a malformed query string (a bad %-escape, invalid UTF-8) when it is first read.
            error = new FieldError("query", "malformed query string");
        }
        if (error != null) {
            ProblemResponses.refuse(request, (HttpServletResponse) res, mapper,
                    ProblemException.badRequest(error.field(), error.reason()).problem());
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        chain.doFilter(req, new ProblemErrors(response, mapper));
        // The task servlet sets 404 (unknown task) or 405 (not POST) without a body; a task that throws
        // is a 500 with a stack trace in text. While nothing is sent yet, answer a problem document instead.
        if (response.getStatus() >= 400 && !response.isCommitted()) {
            response.resetBuffer();
            ProblemErrors.problem(response, mapper, response.getStatus());
        }
    }

    /**
     * The task servlet answers an unknown task (404) and any method but POST (405) with
     * {@code sendError}, which on the admin context gives an empty answer: a problem document instead.
     */
    private static final class ProblemErrors extends HttpServletResponseWrapper {
        private final ObjectMapper mapper;

        ProblemErrors(HttpServletResponse response, ObjectMapper mapper) {
            super(response);
            this.mapper = mapper;
        }

        @Override
        public void sendError(int status) throws IOException {
            sendError(status, null);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            if (isCommitted()) {
                super.sendError(status, message);
                return;
            }
            problem((HttpServletResponse) getResponse(), mapper, status);
        }

        static void problem(HttpServletResponse response, ObjectMapper mapper, int status) throws IOException {
            String title = org.eclipse.jetty.http.HttpStatus.getMessage(status);
            if (status == 405) {
                response.setHeader("Allow", "POST");
            }
            String detail = status == 404 ? "no such task" : status == 405 ? "tasks accept only POST"
                    : status >= 500 ? "the task failed; the server log has the details" : title;
            ProblemResponses.write(response, mapper, Problem.of(status, title, detail));
        }
    }

    static FieldError check(String task, Map<String, String[]> params, Map<String, List<String>> shards) {
        if (task == null) {
            return null;
        }
        return switch (task) {
            case "/log-level" -> logLevel(params);
            case "/view-deactivate", "/view-verify", "/view-rebuild", "/view-replay", "/view-backfill" -> names(params);
            case "/view-source-verify" -> sourceVerify(params);
            case "/shard-pause", "/shard-resume", "/shard-restart" -> shard(params, shards);
            default -> null;
        };
    }

    private static FieldError logLevel(Map<String, String[]> params) {
        String[] loggers = params.getOrDefault("logger", new String[0]);
        if (loggers.length == 0) {
            return new FieldError("logger", "at least one logger is required");
        }
        for (String logger : loggers) {
            if (logger.isBlank()) {
                return new FieldError("logger", "must not be empty");
            }
        }
        String[] levels = params.getOrDefault("level", new String[0]);
        if (levels.length > 1) {
            return new FieldError("level", "given " + levels.length + " times; give it once");
        }
        if (levels.length == 1 && !LEVELS.contains(levels[0].toUpperCase(Locale.ROOT))) {
            return new FieldError("level", "'" + Texts.abbreviate(levels[0]) + "' is not a level; expected one of "
                    + "OFF, ERROR, WARN, INFO, DEBUG, TRACE, ALL");
        }
        String[] durations = params.getOrDefault("duration", new String[0]);
        if (durations.length > 1) {
            return new FieldError("duration", "given " + durations.length + " times; give it once");
        }
        if (durations.length == 1) {
            try {
                Duration d = Duration.parse(durations[0]);
                if (d.isNegative() || d.isZero()) {
                    return new FieldError("duration", "must be positive, got '" + Texts.abbreviate(durations[0]) + "'");
                }
                d.toMillis(); // a duration beyond a long of milliseconds throws here
            } catch (DateTimeParseException | ArithmeticException e) {
                return new FieldError("duration", "'" + Texts.abbreviate(durations[0])
                        + "' is not an ISO-8601 duration such as PT10M");
            }
        }
        return null;
    }

    private static FieldError sourceVerify(Map<String, String[]> params) {
        FieldError name = names(params);
        if (name != null) {
            return name;
        }
        for (String key : List.of("name", "from", "to", "sample", "repair")) {
            if (params.getOrDefault(key, new String[0]).length > 1) {
                return new FieldError(key, "given " + params.get(key).length + " times; give it once");
            }
        }
        String[] sample = params.getOrDefault("sample", new String[0]);
        if (sample.length == 1 && !sample[0].matches("[0-9]{1,12}")) {
            return new FieldError("sample", "must be a whole number of nodes, got '" + Texts.abbreviate(sample[0]) + "'");
        }
        String[] repair = params.getOrDefault("repair", new String[0]);
        if (repair.length == 1 && !repair[0].equals("true") && !repair[0].equals("false")) {
            return new FieldError("repair", "must be true or false");
        }
        return null;
    }

    /** Both parameters once, naming a configured group and one of its shards (the message lists what exists). */
    private static FieldError shard(Map<String, String[]> params, Map<String, List<String>> shards) {
        for (String key : List.of("group", "shard")) {
            String[] v = params.getOrDefault(key, new String[0]);
            if (v.length == 0 || v[0].isEmpty()) {
                return new FieldError(key, "the query parameter " + key + " is required");
            }
            if (v.length > 1) {
                return new FieldError(key, "given " + v.length + " times; give it once");
            }
        }
        String group = params.get("group")[0];
        String shard = params.get("shard")[0];
        List<String> known = shards.get(group);
        if (known == null) {
            return new FieldError("group", "no source group '" + Texts.abbreviate(group) + "'; configured: "
                    + (shards.isEmpty() ? "none" : String.join(", ", shards.keySet())));
        }
        if (!known.contains(shard)) {
            return new FieldError("shard", "no shard '" + Texts.abbreviate(shard) + "' in source group '" + group
                    + "'; its shards: " + String.join(", ", known));
        }
        return null;
    }

    private static FieldError names(Map<String, String[]> params) {
        String[] names = params.getOrDefault("name", new String[0]);
        if (names.length == 0) {
            return new FieldError("name", "the query parameter name is required");
        }
        for (String name : names) {
            if (!Names.isName(name)) {
                return new FieldError("name", Names.NAME_RULE + ", got '" + Texts.abbreviate(name) + "'");
            }
        }
        return null;
    }
}
