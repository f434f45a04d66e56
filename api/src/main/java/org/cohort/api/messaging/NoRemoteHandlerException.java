package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The peer received the request but nothing there subscribes to its subject.
 */
@ProviderType
public class NoRemoteHandlerException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public NoRemoteHandlerException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public NoRemoteHandlerException(String message, Throwable cause) {
        super(message, cause);
    }
}
