package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * No reply arrived within the request's timeout; the request may still have been handled.
 */
@ProviderType
public class MessagingTimeoutException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public MessagingTimeoutException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public MessagingTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
