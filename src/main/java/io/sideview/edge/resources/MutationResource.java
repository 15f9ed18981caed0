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
import io.sideview.edge.ApplyGate;
import io.sideview.edge.DirectWriter;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct writes. Each item gets its own status; a bad item is reported (ERROR with a reason) and does
 * not stop the others. 200 when every item applied, 207 when any item is an ERROR, so a client can
 * never mistake a partial failure for success. Errors for the whole request: 400 malformed body,
 * 404 unknown view, 409 captured view without force or a deactivated view, 413 too many items, 503
 * while this node pauses applying (it cannot read the registry).
 */
@Path("/v1/views")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class MutationResource {
    public static final int MAX_ITEMS = 1000;
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** How long a write applied here may take before its items answer ERROR (retry: idempotent). */
    public static final long APPLY_TIMEOUT_MS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(MutationResource.class);

    private final ViewCatalog catalog;
    private final DirectWriter writer;
    private final ObjectMapper mapper;
    private final ApplyGate gate;

    public MutationResource(ViewCatalog catalog, DirectWriter writer, ObjectMapper mapper, ApplyGate gate) {
        this.catalog = catalog;
        this.writer = writer;
        this.mapper = mapper;
        this.gate = gate;
    }

    @POST
    @Path("/{view}/mutations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response mutate(@PathParam("view") String view, @QueryParam("force") boolean force,
                           @QueryParam("wait") String waitFor, java.io.InputStream in) {
        DirectWriter.Wait wait = waitFor(waitFor);
        // Refused before anything is read or accepted: a paused node takes no new writes (the client
        // retries; readiness sends it to another node meanwhile).
        String paused = gate.pausedBecause();
        if (paused != null) {
            throw new ProblemException(Problem.of(503, "Service unavailable", "writes are paused: " + paused + "; retry later"));
        }
        String body = readBounded(in);
        ViewCatalog.Entry entry = catalog.active(view);
        ViewLayout layout = entry.layout();
        Binding binding = layout.definition().binding();
        if (binding != null && !force) {
            throw ProblemException.conflict("view", "view '" + view + "' follows " + binding.sourceGroup() + ":"
                    + binding.database() + "." + binding.table() + "; direct writes would diverge from the source. "
                    + "Pass force=true to write anyway");
        }
        JsonNode items = items(body);
        Mutation[] parsed = new Mutation[items.size()];
        String[] refused = new String[items.size()];
        List<Mutation> accepted = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                parsed[i] = MutationParser.parse(items.get(i), layout.definition());
                accepted.add(parsed[i]);
            } catch (MutationParser.BadItem e) {
                refused[i] = e.getMessage();
            }
        }
        // Durable as one record before any side is applied: whole or absent on every side, even across a crash.
        List<DirectWriter.Outcome> outcomes = accepted.isEmpty() ? List.of() : write(entry, accepted, wait);
        List<MutationResult> results = new ArrayList<>(items.size());
        boolean anyError = false;
        int next = 0;
        for (int i = 0; i < items.size(); i++) {
            Mutation m = parsed[i];
            if (m == null) {
                anyError = true;
                results.add(new MutationResult(i, null, null, "ERROR", refused[i]));
                continue;
            }
            DirectWriter.Outcome o = outcomes.get(next++);
            if (o.failure() == null) {
                results.add(new MutationResult(i, m.source(), m.target(), o.status(), null));
            } else {
                LOG.warn("apply failed for item {} of {}", i, view, o.failure());
                anyError = true;
                results.add(new MutationResult(i, m.source(), m.target(), "ERROR",
                        "not applied yet, retry (applies are idempotent): " + o.failure().getClass().getSimpleName()));
            }
        }
        return Response.status(anyError ? 207 : 200).entity(new MutationResponse(results)).build();
    }

    private static DirectWriter.Wait waitFor(String value) {
        if (value == null || value.equalsIgnoreCase("applied")) {
            return DirectWriter.Wait.APPLIED;
        }
        if (value.equalsIgnoreCase("accepted")) {
            return DirectWriter.Wait.ACCEPTED;
        }
        throw ProblemException.badRequest("wait", "expected 'applied' or 'accepted', got '" + io.sideview.api.Texts.abbreviate(value) + "'");
    }

    /** Reads at most {@link #MAX_BODY_BYTES} + 1 bytes: an oversized batch is refused without buffering all of it. */
    /**
     * Writes to every generation of the view (a replay builds one beside the queried one) and answers
     * per item: its outcome on the queried generation, or the first failure on any.
     */
    private List<DirectWriter.Outcome> write(ViewCatalog.Entry entry, List<Mutation> accepted, DirectWriter.Wait wait) {
        Map<ViewLayout, List<Mutation>> byGeneration = new LinkedHashMap<>();
        entry.writeLayouts().forEach(l -> byGeneration.put(l, accepted));
        List<DirectWriter.Outcome> all = writer.write(byGeneration, wait);
        List<DirectWriter.Outcome> out = new ArrayList<>(accepted.size());
        for (int i = 0; i < accepted.size(); i++) {
            DirectWriter.Outcome o = all.get(i);
            for (int g = 1; g < byGeneration.size() && o.failure() == null; g++) {
                DirectWriter.Outcome other = all.get(g * accepted.size() + i);
                // Through the WAL, an item is APPLIED only where every generation applied it.
                o = other.failure() != null || "ACCEPTED".equals(other.status()) ? other : o;
            }
            out.add(o);
        }
        return out;
    }

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
