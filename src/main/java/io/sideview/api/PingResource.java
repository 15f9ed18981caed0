package io.sideview.api;

import com.codahale.metrics.annotation.Timed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The trivial endpoint: the whole API stack (filters, metrics) and no work. Load balancers probe it,
 * and the benchmark measures the query shapes against it. Open, even when tokens are configured.
 */
@Path("/v1/ping")
public class PingResource {
    @GET
    @Timed
    @Produces(MediaType.TEXT_PLAIN)
    public String ping() {
        return "pong";
    }
}
