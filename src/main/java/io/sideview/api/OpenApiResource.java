package io.sideview.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the hand-written OpenAPI 3.0.3 document of the whole REST API at {@code GET /api/openapi.json}.
 * The classpath file is read once, when the resource is built (a missing file fails start-up), and
 * its bytes are served as they are. {@code @PermitAll}: any authenticated caller (admin or reader),
 * or anyone in open mode.
 */
@Path("/openapi.json")
public class OpenApiResource {
    /** Classpath location of the document (src/main/resources/openapi/openapi.json). */
    public static final String DOCUMENT = "/openapi/openapi.json";

    private final byte[] document;

    public OpenApiResource() {
        this.document = load();
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static byte[] load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + DOCUMENT + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCUMENT, e);
        }
    }
}
