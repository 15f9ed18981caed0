package io.sideview.auth;

import io.dropwizard.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/** Bearer tokens from config. Compared in constant time, and every token is compared, so timing reveals nothing. */
public class TokenAuthenticator implements Authenticator<String, Caller> {
    private final Set<String> adminTokens;
    private final Set<String> readerTokens;

    public TokenAuthenticator(AuthConfig config) {
        this.adminTokens = config.adminTokenSet();
        this.readerTokens = config.readerTokenSet();
    }

    @Override
    public Optional<Caller> authenticate(String token) {
        boolean admin = matchesAny(token, adminTokens);
        boolean reader = matchesAny(token, readerTokens);
        if (admin) {
            return Optional.of(new Caller("admin-token", Set.of(Roles.ADMIN, Roles.READER)));
        }
        if (reader) {
            return Optional.of(new Caller("reader-token", Set.of(Roles.READER)));
        }
        return Optional.empty();
    }

    private static boolean matchesAny(String presented, Set<String> tokens) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String t : tokens) {
            found |= MessageDigest.isEqual(p, t.getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }
}
