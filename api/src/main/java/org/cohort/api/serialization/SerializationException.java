package org.cohort.api.serialization;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Bytes could not be turned into objects, or objects into bytes: garbage or truncated input, a type
 * that is not registered, a declared length beyond the input, or an object too large to encode.
 */
@ProviderType
public class SerializationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public SerializationException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
