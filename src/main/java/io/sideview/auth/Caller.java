package io.sideview.auth;

import java.security.Principal;
import java.util.Set;

/** Who is calling: the kind of token presented (never the token itself) and its roles. */
public record Caller(String name, Set<String> roles) implements Principal {
    public Caller {
        roles = Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return name;
    }
}
