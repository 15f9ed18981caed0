package io.sideview.edge.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.FieldError;
import io.sideview.api.JsonErrors;
import io.sideview.api.Problem;
import io.sideview.api.ProblemException;
import io.sideview.auth.Roles;
import io.sideview.edge.ApplyStatus;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationParser;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.api.MutationResponse;
import io.sideview.edge.api.MutationResult;
import io.sideview.registry.model.Binding;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct writes. Each item gets its own status; a bad item is reported (ERROR with a reason) and does
 * not stop the others. 200 when every item applied, 207 when any item is an ERROR, so a client can
 * never mistake a partial failure for success. Errors for the whole request: 400 malformed body,
 * 404 unknown view, 409 captured view without force or a deactivated view, 413 too many items.
 */
@Path("/v1/views")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class MutationResource {
    public static final int MAX_ITEMS = 1000;
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MutationResource.class);

    private final ViewCatalog catalog;
    private final EdgeWriter writer;
    private final ObjectMapper mapper;

    public MutationResource(ViewCatalog catalog, EdgeWriter writer, ObjectMapper mapper) {
        this.catalog = catalog;
        this.writer = writer;
        this.mapper = mapper;
    }

    @POST
    @Path("/{view}/mutations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response mutate(@PathParam("view") String view, @QueryParam("force") boolean force, java.io.InputStream in) {
        String body = readBounded(in);
        ViewLayout layout = catalog.active(view).layout();
        Binding binding = layout.definition().binding();
        if (binding != null && !force) {
            throw ProblemException.conflict("view", "view '" + view + "' follows " + binding.sourceGroup() + ":"
                    + binding.database() + "." + binding.table() + "; direct writes would diverge from the source. "
                    + "Pass force=true to write anyway");
        }
        JsonNode items = items(body);
        List<MutationResult> results = new ArrayList<>(items.size());
        List<CompletableFuture<ApplyStatus>> pending = new ArrayList<>(items.size());
        List<Mutation> mutations = new ArrayList<>(items.size());
        String[] refused = new String[items.size()];
        for (int i = 0; i < items.size(); i++) {
            try {
                Mutation m = MutationParser.parse(items.get(i), layout.definition());
                mutations.add(m);
                pending.add(writer.apply(layout, m));
            } catch (MutationParser.BadItem e) {
                refused[i] = e.getMessage();
                mutations.add(null);
                pending.add(null);
            }
        }
        boolean anyError = false;
        for (int i = 0; i < items.size(); i++) {
            Mutation m = mutations.get(i);
            if (m == null) {
                anyError = true;
                results.add(new MutationResult(i, null, null, "ERROR", refused[i]));
                continue;
            }
            try {
                ApplyStatus status = pending.get(i).get(60, TimeUnit.SECONDS);
                results.add(new MutationResult(i, m.source(), m.target(), status.name(), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                anyError = true;
                results.add(new MutationResult(i, m.source(), m.target(), "ERROR", "interrupted; retry (applies are idempotent)"));
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("apply failed for item {} of {}", i, view, e);
                anyError = true;
                results.add(new MutationResult(i, m.source(), m.target(), "ERROR",
                        "storage failure, retry (applies are idempotent): " + e.getClass().getSimpleName()));
            }
        }
        // What the answer reports as applied is durable when it is sent.
        writer.sync();
        return Response.status(anyError ? 207 : 200).entity(new MutationResponse(results)).build();
    }

    /** Reads at most {@link #MAX_BODY_BYTES} + 1 bytes: an oversized batch is refused without buffering all of it. */
    private static String readBounded(java.io.InputStream in) {
        if (in == null) {
            return null;
        }
        try {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("$", "the body could not be read: " + e.getMessage());
        }
    }

    private static ProblemException tooLarge() {
        return new ProblemException(new Problem("about:blank", "Batch too large", 413,
                "body is larger than " + MAX_BODY_BYTES + " bytes", List.of(new FieldError("$", "at most " + MAX_BODY_BYTES + " bytes"))));
    }

    private JsonNode items(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("$", "a body {\"mutations\": [...]} is required");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(JsonErrors.toProblem(e));
        }
        if (root != null && root.isObject()) {
            for (var it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("mutations")) {
                    throw ProblemException.badRequest(f, "unknown field '" + f + "'");
                }
            }
        }
        JsonNode items = root == null ? null : root.get("mutations");
        if (items == null || !items.isArray()) {
            throw ProblemException.badRequest("mutations", "expected an array of mutations");
        }
        if (items.size() > MAX_ITEMS) {
            throw new ProblemException(new Problem("about:blank", "Batch too large", 413,
                    "mutations: at most " + MAX_ITEMS + " items, got " + items.size(),
                    List.of(new FieldError("mutations", "at most " + MAX_ITEMS + " items, got " + items.size()))));
        }
        return items;
    }
}
