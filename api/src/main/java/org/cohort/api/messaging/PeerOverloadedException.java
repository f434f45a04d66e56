package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The message was refused for lack of room: the peer's handler executor refused the request, or
 * the local outbound queue to the peer is full (or the message is larger than a frame may be).
 */
@ProviderType
public class PeerOverloadedException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public PeerOverloadedException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public PeerOverloadedException(String message, Throwable cause) {
        super(message, cause);
    }
}
