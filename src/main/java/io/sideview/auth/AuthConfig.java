package io.sideview.auth;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Bearer tokens, each a comma-separated list so one environment variable can carry several.
 * With no token at all the service runs in an explicit, logged "open" mode (local use only).
 *
 * @param adminTokens tokens that may read and write
 * @param readerTokens tokens that may only read
 */
public record AuthConfig(String adminTokens, String readerTokens) {

    public static AuthConfig open() {
        return new AuthConfig("", "");
    }

    public Set<String> adminTokenSet() {
        return split(adminTokens);
    }

    public Set<String> readerTokenSet() {
        return split(readerTokens);
    }

    public boolean isOpen() {
        return adminTokenSet().isEmpty() && readerTokenSet().isEmpty();
    }

    private static Set<String> split(String tokens) {
        if (tokens == null) {
            return Set.of();
        }
        return Arrays.stream(tokens.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Tokens are secrets: never print them. */
    @Override
    public String toString() {
        return "AuthConfig[admin tokens=" + adminTokenSet().size() + ", reader tokens=" + readerTokenSet().size() + "]";
    }
}
