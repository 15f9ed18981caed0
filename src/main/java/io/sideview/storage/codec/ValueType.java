package io.sideview.storage.codec;

/**
 * The value kinds {@link OrderedCodec} encodes. The storage layer's own names: a view's property and
 * id types map onto them in the edge engine, so storage knows nothing of the registry.
 */
public enum ValueType {
    BOOLEAN, INT, LONG, DOUBLE, STRING
}
