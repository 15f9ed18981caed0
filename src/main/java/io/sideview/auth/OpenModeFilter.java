package io.sideview.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Set;

/** With no token configured, every caller is an admin: an explicit local-use mode, logged loudly at start. */
@Priority(Priorities.AUTHENTICATION)
public class OpenModeFilter implements ContainerRequestFilter {
    private static final Caller ANONYMOUS = new Caller("anonymous", Set.of(Roles.ADMIN, Roles.READER));

    @Override
    public void filter(ContainerRequestContext request) {
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override public Principal getUserPrincipal() { return ANONYMOUS; }
            @Override public boolean isUserInRole(String role) { return ANONYMOUS.roles().contains(role); }
            @Override public boolean isSecure() { return secure; }
            @Override public String getAuthenticationScheme() { return "open"; }
        });
    }
}
