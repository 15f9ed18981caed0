package io.sideview.auth;

/**
 * The read check of the query fast path ({@code io.sideview.query.QueryFilter}), which answers before
 * Jersey and its auth filter: the same rule as {@code @RolesAllowed({ADMIN, READER})}. Every valid
 * token may read, so a refusal is always a 401, never a 403.
 */
public final class ReadAccess {

    private final boolean open;
    private final TokenAuthenticator tokens;

    public ReadAccess(AuthConfig config) {
        this.open = config.isOpen();
        this.tokens = new TokenAuthenticator(config);
    }

    /**
     * @param authorization the Authorization header, or null. A token in the query string
     *                      ({@code access_token}) is refused before this runs ({@link RequestGuardFilter}).
     */
    public boolean allows(String authorization) {
        if (open) {
            return true;
        }
        String token = bearerToken(authorization);
        return token != null && reads(token);
    }

    /**
     * The token of a {@code Bearer} Authorization header, as Dropwizard's OAuthCredentialAuthFilter reads
     * it (scheme case-insensitive, one space, the token after it); null if absent or another scheme.
     */
    public static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space <= 0 || !authorization.substring(0, space).equalsIgnoreCase(ProblemUnauthorizedHandler.PREFIX)) {
            return null;
        }
        String token = authorization.substring(space + 1);
        return token.isEmpty() ? null : token;
    }

    private boolean reads(String token) {
        return tokens.authenticate(token).map(c -> c.roles().contains(Roles.READER)).orElse(false);
    }

    /** The challenge sent with a 401, as {@link ProblemUnauthorizedHandler} sends it. */
    public static String challenge() {
        return ProblemUnauthorizedHandler.challenge(ProblemUnauthorizedHandler.PREFIX, ProblemUnauthorizedHandler.REALM);
    }
}
