package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message could not be delivered or a request got no usable reply; the base of every failure
 * {@link ClusterCommunicationService} reports. Unchecked: futures complete exceptionally with it.
 */
@ProviderType
public class MessagingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public MessagingException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
