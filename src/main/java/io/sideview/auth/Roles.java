package io.sideview.auth;

/** The two roles: admins write definitions and data, readers only query. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String READER = "reader";

    private Roles() {}
}
