package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The peer's handler threw while handling the request; the exception's message carries the
 * handler's message (its class and text), as the peer reported it.
 */
@ProviderType
public class RemoteHandlerFailureException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public RemoteHandlerFailureException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public RemoteHandlerFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
