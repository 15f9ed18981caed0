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

    /**
     * Index of the first char that makes {@code s} not valid Unicode text (a surrogate that is not half
     * of a pair), or -1. Stored as UTF-8 such a char becomes '?', so two different ids would collide.
     */
    public static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
