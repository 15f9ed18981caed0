package io.sideview;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * A tiny HTTP helper for integration tests: every response is read whole and closed, so the
 * client's connection pool never runs dry, and tests assert on a plain record.
 */
public final class Http {
    private final Client client;
    private final String base;
    /** The Authorization header sent, or null. */
    private final String authorization;

    public Http(Client client, String base, String token) {
        this(client, base, token, true);
    }

    private Http(Client client, String base, String token, boolean bearer) {
        this.client = client;
        this.base = base;
        this.authorization = token == null ? null : bearer ? "Bearer " + token : token;
    }

    public Http withToken(String newToken) {
        return new Http(client, base, newToken);
    }

    /** Sends this Authorization header as it is (another scheme, another case). */
    public Http withAuthorization(String header) {
        return new Http(client, base, header, false);
    }

    public record Reply(int status, String mediaType, URI location, String body, String challenge) {
        public JsonNode json() {
            try {
                return Examples.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public boolean isProblem() {
            return mediaType != null && mediaType.startsWith("application/problem+json");
        }
    }

    public Reply get(String path) {
        return read(request(path).get());
    }

    public Reply delete(String path) {
        return read(request(path).delete());
    }

    public Reply post(String path, String json) {
        return read(request(path).post(Entity.entity(json, MediaType.APPLICATION_JSON_TYPE)));
    }

    public Reply post(String path, Entity<?> entity) {
        return read(request(path).post(entity));
    }

    public Reply put(String path, String json) {
        return read(request(path).put(Entity.entity(json, MediaType.APPLICATION_JSON_TYPE)));
    }

    private Invocation.Builder request(String path) {
        Invocation.Builder b = client.target(base + path).request();
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    /** Polls GET /v1/jobs/{id} until the job is neither QUEUED nor RUNNING (at most 2 minutes) and returns it. */
    public JsonNode awaitJob(long id) {
        return awaitJob(id, java.time.Duration.ofMinutes(2));
    }

    public JsonNode awaitJob(long id, java.time.Duration atMost) {
        return org.awaitility.Awaitility.await("job " + id + " finished").atMost(atMost)
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> get("/v1/jobs/" + id).json(), job -> {
                    String state = job.get("state").asText();
                    return !state.equals("QUEUED") && !state.equals("RUNNING");
                });
    }

    private static Reply read(Response r) {
        try (r) {
            String body = r.hasEntity() ? r.readEntity(String.class) : "";
            return new Reply(r.getStatus(), r.getMediaType() == null ? null : r.getMediaType().toString(),
                    r.getLocation(), body, r.getHeaderString("WWW-Authenticate"));
        }
    }
}
