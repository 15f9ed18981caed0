package io.sideview.auth;

import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers bearer-token auth, or the explicit open mode when no token is configured. */
public final class AuthWiring {
    private static final Logger LOG = LoggerFactory.getLogger(AuthWiring.class);

    private AuthWiring() {}

    public static void register(AuthConfig config, JerseyEnvironment jersey) {
        if (config.isOpen()) {
            LOG.warn("AUTH IS OPEN: no token configured (auth.adminTokens / auth.readerTokens), every caller is an admin. "
                    + "Use this for local runs only.");
            jersey.register(new OpenModeFilter());
        } else {
            LOG.info("Bearer-token auth on: {}", config);
            jersey.register(new AuthDynamicFeature(new OAuthCredentialAuthFilter.Builder<Caller>()
                    .setAuthenticator(new TokenAuthenticator(config))
                    .setAuthorizer((caller, role, request) -> caller.roles().contains(role))
                    .setPrefix(ProblemUnauthorizedHandler.PREFIX)
                    .setRealm(ProblemUnauthorizedHandler.REALM)
                    .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                    .buildAuthFilter()));
        }
        jersey.register(RolesAllowedDynamicFeature.class);
    }
}
