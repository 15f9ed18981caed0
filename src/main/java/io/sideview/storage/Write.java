package io.sideview.storage;

/** One row write in a batch. */
public sealed interface Write {
    byte[] key();

    record Put(byte[] key, byte[] value) implements Write {}

    record Delete(byte[] key) implements Write {}
}
