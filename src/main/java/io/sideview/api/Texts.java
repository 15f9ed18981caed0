package io.sideview.api;

/** Echoing client input back in an error: bounded, so a huge value cannot bloat a problem document. */
public final class Texts {
    private Texts() {}

    /** {@code s} itself up to 64 characters, else its first 61 and "...". */
    public static String abbreviate(String s) {
        return abbreviate(s, 64);
    }

    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
