package io.sideview.storage;

/** A backend failed; the operation may be retried. Never caused by bad input. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
