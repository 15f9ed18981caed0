package io.sideview.auth;

import com.google.common.net.InetAddresses;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The host names a request's {@code Host} header may name. A browser sends the name it resolved, so a
 * page of an attacker's domain that re-resolves to 127.0.0.1 (DNS rebinding) still says its own name
 * and is refused here: loopback names, the connectors' own addresses and {@code security.allowedHosts}
 * are the only ones served.
 */
public final class AllowedHosts {
    private final Set<String> hosts;
    private final boolean any;

    public AllowedHosts(Set<String> configured, Set<String> bindHosts) {
        Set<String> all = new HashSet<>();
        for (String h : configured) {
            all.add(normalize(h));
        }
        for (String h : bindHosts) {
            if (h != null && !h.isBlank() && !isWildcard(h)) {
                all.add(normalize(h));
            }
        }
        this.any = all.contains("*");
        this.hosts = Set.copyOf(all);
    }

    /** @param hostHeader the raw {@code Host} header, {@code name[:port]} or {@code [v6][:port]} */
    public boolean allows(String hostHeader) {
        if (any) {
            return true;
        }
        String name = hostName(hostHeader);
        return name != null && (isLoopback(name) || hosts.contains(name));
    }

    /** The name part of a Host header, lower-cased and without brackets or port; null if malformed. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || (close + 1 < h.length() && h.charAt(close + 1) != ':')) {
                return null;
            }
            return h.substring(1, close).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
            return null;
        }
        return (colon >= 0 ? h.substring(0, colon) : h).toLowerCase(Locale.ROOT);
    }

    /** {@code localhost} or a loopback address literal; never a DNS look-up. */
    public static boolean isLoopback(String host) {
        String h = normalize(host);
        if (h.equals("localhost")) {
            return true;
        }
        return InetAddresses.isInetAddress(h) && InetAddresses.forString(h).isLoopbackAddress();
    }

    /** A bind host that listens on every interface (none given, 0.0.0.0 or ::). */
    public static boolean isWildcard(String bindHost) {
        if (bindHost == null || bindHost.isBlank()) {
            return true;
        }
        String h = normalize(bindHost);
        return InetAddresses.isInetAddress(h) && InetAddresses.forString(h).isAnyLocalAddress();
    }

    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
