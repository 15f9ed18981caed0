package io.sideview.storage;

/** One stored entry. Arrays are owned by the caller once returned. */
public record KeyValue(byte[] key, byte[] value) {}
