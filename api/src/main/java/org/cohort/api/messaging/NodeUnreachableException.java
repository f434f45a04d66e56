package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node cannot be sent to: it is not a cluster member, or there is no stream to it now.
 */
@ProviderType
public class NodeUnreachableException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public NodeUnreachableException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public NodeUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
