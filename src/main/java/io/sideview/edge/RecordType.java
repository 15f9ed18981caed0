package io.sideview.edge;

/** The three record kinds written at apply time so that reads are lookups. */
enum RecordType {
    STATE((byte) 1), INDEX((byte) 2), COUNT((byte) 3);

    final byte code;

    RecordType(byte code) {
        this.code = code;
    }
}
