package io.sideview.jobs.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sideview.api.FieldError;
import io.sideview.api.JsonErrors;
import io.sideview.api.ProblemException;
import io.sideview.api.StrictJson;
import io.sideview.auth.Roles;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobType;
import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.api.JobScope;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * Jobs: list and follow them; start a verify or a rebuild of a view; cancel one. History copies and
 * index builds are started by the service and appear here too. Errors: 400 bad parameter, 404 unknown
 * job or view, 409 cancelling a job that cannot be or is over, 422 bad job request.
 */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class JobResource {
    private static final int MAX_LIMIT = 200;
    private static final String CLIENT_JOBS = java.util.Arrays.stream(JobType.values()).filter(JobType::clientJob)
            .map(Enum::name).collect(java.util.stream.Collectors.joining(", "));

    private final JobService jobs;
    private final ObjectReader requests;

    /** {@code mapper}: the service's; job requests are read with its strict copy (no coercion, no unknown fields). */
    public JobResource(JobService jobs, ObjectMapper mapper) {
        this.jobs = jobs;
        this.requests = StrictJson.mapper(mapper).readerFor(JobRequest.class);
    }

    /**
     * What a client may start; the other types are the service's own. {@code from}, {@code to} (source
     * ids, numbers or strings by the view's source type) and {@code sample} (a count) scope a
     * SOURCE_VERIFY or REPAIR; read as JSON trees so a wrong kind is explained, not coerced.
     */
    public record JobRequest(String type, String view, JsonNode from, JsonNode to, JsonNode sample) {}

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public List<Job> list(@QueryParam("view") String view, @QueryParam("before") String before,
                          @QueryParam("limit") String limit) {
        return jobs.list(view == null || view.isEmpty() ? null : view,
                number("before", before, Long.MAX_VALUE, 1, Long.MAX_VALUE),
                (int) number("limit", limit, 50, 1, MAX_LIMIT));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public Job get(@PathParam("id") String id) {
        return jobs.get(id(id));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response start(String body, @Context UriInfo uri) {
        JobRequest request;
        try {
            request = body == null || body.isBlank() ? null : requests.readValue(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(JsonErrors.toProblem(e));
        }
        if (request == null) {
            throw invalid("type", "a body {\"type\": one of " + CLIENT_JOBS + ", \"view\": name} is required");
        }
        JobType type;
        try {
            type = request.type() == null ? null : JobType.valueOf(request.type());
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !type.clientJob()) {
            throw invalid("type", "must be one of " + CLIENT_JOBS + " (history copies and index builds are started by the service)");
        }
        if (request.view() == null || request.view().isEmpty()) {
            throw invalid("view", "the name of the view to check is required");
        }
        JobScope scope = new JobScope(id("from", request.from()), id("to", request.to()), sample(request.sample()));
        Job job = jobs.submit(type, request.view(), scope);
        return Response.accepted(job).location(uri.getAbsolutePathBuilder().path(String.valueOf(job.id())).build()).build();
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed(Roles.ADMIN)
    public Job cancel(@PathParam("id") String id) {
        return jobs.cancel(id(id));
    }

    /** A bound of a node range: an integer (a long id) or a string; the service checks it against the view. */
    private static Object id(String field, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        throw invalid(field, "must be a source id: an integer or a string");
    }

    private static Long sample(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid("sample", "must be a whole number of nodes");
        }
        return v.longValue();
    }

    private static ProblemException invalid(String field, String reason) {
        return ProblemException.invalid(422, "Invalid job request", List.of(new FieldError(field, reason)));
    }

    private static long id(String text) {
        return number("id", text, -1, 1, Long.MAX_VALUE);
    }

    private static long number(String field, String text, long absent, long min, long max) {
        if (text == null || text.isEmpty()) {
            if (absent < 0) {
                throw ProblemException.badRequest(field, "is required");
            }
            return absent;
        }
        try {
            long v = io.sideview.query.Ids.decimal(text); // ASCII digits only: "+1", "01", "١" are not 1
            if (v < min || v > max) {
                throw ProblemException.badRequest(field, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(field, "must be an integer");
        }
    }
}
