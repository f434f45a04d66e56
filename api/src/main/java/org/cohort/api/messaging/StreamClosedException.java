package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The stream to the node closed, or the node vanished, after the request was sent and before its
 * reply arrived; the request may or may not have been handled.
 */
@ProviderType
public class StreamClosedException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public StreamClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public StreamClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
