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
     * @param authorization the Authorization header, or null
     * @param accessToken the {@code access_token} query parameter, or null: Dropwizard's filter takes it
     *                    when the header is missing, so the rest of the API does too
     */
    public boolean allows(String authorization, String accessToken) {
        if (open) {
            return true;
        }
        if (authorization == null) {
            return accessToken != null && !accessToken.isEmpty() && reads(accessToken);
        }
        // Dropwizard's OAuthCredentialAuthFilter: scheme case-insensitive, one space, the token after it.
        int space = authorization.indexOf(' ');
        if (space <= 0 || !authorization.substring(0, space).equalsIgnoreCase(ProblemUnauthorizedHandler.PREFIX)) {
            return false;
        }
        String token = authorization.substring(space + 1);
        return !token.isEmpty() && reads(token);
    }

    private boolean reads(String token) {
        return tokens.authenticate(token).map(c -> c.roles().contains(Roles.READER)).orElse(false);
    }

    /** The challenge sent with a 401, as {@link ProblemUnauthorizedHandler} sends it. */
    public static String challenge() {
        return ProblemUnauthorizedHandler.challenge(ProblemUnauthorizedHandler.PREFIX, ProblemUnauthorizedHandler.REALM);
    }
}
