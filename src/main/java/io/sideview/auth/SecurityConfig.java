package io.sideview.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Browser-facing protections that do not depend on tokens.
 *
 * @param allowedHosts comma-separated host names (no port) a request's {@code Host} may name besides loopback ones
 *                     ({@code localhost}, {@code 127.x.x.x}, {@code ::1}) and the connectors' own bind
 *                     addresses; {@code *} allows any host and gives up the DNS-rebinding protection
 * @param allowOpenOnNetwork start in open mode (no token configured) even though a connector listens
 *                           beyond loopback; without it such a start is refused
 */
public record SecurityConfig(String allowedHosts, Boolean allowOpenOnNetwork) {

    public SecurityConfig {
        allowedHosts = allowedHosts == null ? "" : allowedHosts;
        allowOpenOnNetwork = allowOpenOnNetwork != null && allowOpenOnNetwork;
    }

    public static SecurityConfig defaults() {
        return new SecurityConfig("", false);
    }

    /** The configured hosts, trimmed and lower-cased, blanks dropped. */
    public Set<String> hostSet() {
        return Arrays.stream(allowedHosts.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
