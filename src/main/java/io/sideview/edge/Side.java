package io.sideview.edge;

/** OUT records live under the source id, IN records under the target id. */
public enum Side {
    OUT((byte) 1), IN((byte) 2);

    final byte code;

    Side(byte code) {
        this.code = code;
    }
}
