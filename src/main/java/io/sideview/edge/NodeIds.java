package io.sideview.edge;

import java.nio.charset.StandardCharsets;

/** The node-id rules of the edge engine, for query parameters and mutation bodies alike. */
public final class NodeIds {
    /** Longest string id, in UTF-8 bytes: ids are parts of storage keys. */
    public static final int MAX_STRING_ID_BYTES = 512;
    public static final String TOO_LONG = "string ids are at most " + MAX_STRING_ID_BYTES + " bytes";

    private NodeIds() {}

    public static boolean tooLong(String id) {
        return id.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_ID_BYTES;
    }
}
