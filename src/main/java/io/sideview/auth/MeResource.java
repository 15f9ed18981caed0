package io.sideview.auth;

import com.codahale.metrics.annotation.Timed;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * "Who am I": the caller's roles, so a client (the web UI) can hide what it may not do instead of
 * probing with a write. Any valid token may ask; no token (when tokens are configured) is a 401.
 */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    /** {@code auth} is {@code open} (no tokens configured: everyone is an admin) or {@code token}. */
    public record Me(String name, List<String> roles, boolean canWrite, String auth) {}

    @GET
    @Timed
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public Me me(@Context SecurityContext security) {
        Caller caller = (Caller) security.getUserPrincipal();
        return new Me(caller.name(), caller.roles().stream().sorted().toList(), caller.roles().contains(Roles.ADMIN),
                "open".equals(security.getAuthenticationScheme()) ? "open" : "token");
    }
}
