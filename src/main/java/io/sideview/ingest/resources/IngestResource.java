package io.sideview.ingest.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sideview.api.FieldError;
import io.sideview.api.JsonErrors;
import io.sideview.api.Problem;
import io.sideview.api.ProblemException;
import io.sideview.api.StrictJson;
import io.sideview.auth.Roles;
import io.sideview.ingest.DeadLetterStatus;
import io.sideview.ingest.DeadLetters;
import io.sideview.ingest.IngestService;
import io.sideview.ingest.api.CopyProgress;
import io.sideview.ingest.api.DeadLetter;
import io.sideview.ingest.api.IngestStatus;
import io.sideview.ingest.api.ShardStatus;
import io.sideview.ingest.ShardControl;
import io.sideview.ingest.ShardEngine;
import io.sideview.errors.Refused;
import io.sideview.ingest.db.DeadLetterDao;
import io.sideview.ingest.db.DeadLetterRow;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * Ingestion status, dead letters and an operator's pause and resume of a shard. Errors: 400 bad paging
 * parameters, 404 unknown dead letter or shard, 409 when the dead letter's view is gone or deactivated
 * or when another node runs the shard to pause or resume.
 */
@Path("/v1/ingest")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class IngestResource {
    private final IngestService ingest;
    private final DeadLetterDao deadLetters;
    private final DeadLetters retries;
    private final ObjectMapper mapper;
    private final ObjectReader resumes;

    public IngestResource(IngestService ingest, DeadLetterDao deadLetters, DeadLetters retries, ObjectMapper mapper) {
        this.resumes = StrictJson.mapper(mapper).readerFor(ResumeRequest.class);
        this.ingest = ingest;
        this.deadLetters = deadLetters;
        this.retries = retries;
        this.mapper = mapper;
    }

    @GET
    @Path("/status")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public IngestStatus status() {
        return ingest.status();
    }

    /** Every view's history copy per shard: status, chunks and rows done, estimate, last position. */
    @GET
    @Path("/copies")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public List<CopyProgress> copies() {
        return ingest.copies();
    }

    /** What a client sends to resume a view's cancelled copies. */
    public record ResumeRequest(String view) {}

    /** Resumes the cancelled history copies of a view, each after its last chunk done; 409 when it has none. */
    @POST
    @Path("/copies/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public List<CopyProgress> resume(String body) {
        ResumeRequest request;
        try {
            request = body == null || body.isBlank() ? null : resumes.readValue(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(JsonErrors.toProblem(e));
        }
        if (request == null || request.view() == null || request.view().isEmpty()) {
            throw ProblemException.invalid(422, "Invalid resume request",
                    List.of(new FieldError("view", "the name of the view whose copies to resume is required")));
        }
        return ingest.resumeCopies(request.view());
    }

    /** Operator's go-ahead for a shard that lost its binlog position (onLostPosition: WAIT): 409 when it has not. */
    @POST
    @Path("/shards/{group}/{shard}/recover")
    @RolesAllowed(Roles.ADMIN)
    public IngestStatus recover(@PathParam("group") String group, @PathParam("shard") String shard) {
        ingest.recover(group, shard);
        return ingest.status();
    }

    /**
     * Stops the shard's engine on this node, offsets committed, until resumed (state PAUSED, by operator).
     * The same as the admin task shard-pause; idempotent. 404 no such shard, 409 another node runs it.
     */
    @POST
    @Path("/shards/{group}/{shard}/pause")
    @RolesAllowed(Roles.ADMIN)
    public ShardStatus pause(@PathParam("group") String group, @PathParam("shard") String shard) throws InterruptedException {
        return here(ingest.pause(group, shard, "POST /api/v1/ingest/shards/" + group + "/" + shard + "/pause"));
    }

    /** Starts a paused shard's engine from its offsets; the same as shard-resume; idempotent. 404, 409 as for pause. */
    @POST
    @Path("/shards/{group}/{shard}/resume")
    @RolesAllowed(Roles.ADMIN)
    public ShardStatus resumeShard(@PathParam("group") String group, @PathParam("shard") String shard) {
        return here(ingest.resume(group, shard));
    }

    /** The shard's status after the control; a shard another node runs is a conflict, nothing was done. */
    private static ShardStatus here(ShardControl control) {
        if (control.outcome() == ShardEngine.Control.ELSEWHERE) {
            throw Refused.conflict("shard", control.line());
        }
        return control.status();
    }

    /** Dead letters in id order; {@code status} PENDING (default) or RESOLVED; page with {@code after} = last id. */
    @GET
    @Path("/dead-letters")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public List<DeadLetter> deadLetters(@QueryParam("status") String status, @QueryParam("after") String afterText,
                                        @QueryParam("limit") String limitText) {
        long after = number("after", afterText, 0);
        long limit = number("limit", limitText, 100);
        DeadLetterStatus s = DeadLetterStatus.PENDING;
        if (status != null) {
            try {
                s = DeadLetterStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("status", "expected PENDING or RESOLVED");
            }
        }
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit", "must be from 1 to 1000");
        }
        return deadLetters.list(s, after, (int) limit).stream().map(this::describe).toList();
    }

    /** Reads the dead letter again with the view as it is now: applied and RESOLVED, or left PENDING with the new reason. */
    @POST
    @Path("/dead-letters/{id}/retry")
    @RolesAllowed(Roles.ADMIN)
    public DeadLetter retry(@PathParam("id") String idText) {
        long id = number("id", idText, -1);
        DeadLetterRow row = deadLetters.find(id).orElseThrow(() -> ProblemException.notFound("no dead letter " + id));
        if (row.status() == DeadLetterStatus.RESOLVED) {
            return describe(row);
        }
        if (retries.retry(row) == DeadLetters.Retried.NOT_APPLIED) {
            throw new ProblemException(new Problem("about:blank", "Not applied", 503,
                    "the retry was not applied (storage failed); try again", List.of()));
        }
        return describe(deadLetters.find(id).orElseThrow());
    }

    private static long number(String field, String text, long fallback) {
        if (text == null || text.isEmpty()) {
            if (fallback < 0) {
                throw ProblemException.badRequest(field, "is required");
            }
            return fallback;
        }
        try {
            return io.sideview.query.Ids.decimal(text); // ASCII digits only: "+1", "01", "١" are not 1
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(field, "expected an integer, got '" + (text.length() > 32 ? text.substring(0, 32) + "..." : text) + "'");
        }
    }

    private DeadLetter describe(DeadLetterRow r) {
        JsonNode change;
        try {
            change = mapper.readTree(r.payload());
        } catch (java.io.IOException e) {
            change = mapper.getNodeFactory().textNode(r.payload());
        }
        return new DeadLetter(r.id(), r.viewName(), r.shard(), r.position(), r.reason(), r.status(), r.attempts(),
                Instant.ofEpochMilli(r.createdAt()), Instant.ofEpochMilli(r.updatedAt()), change);
    }
}
