package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The message was sent, but the session with the peer ended before the peer acknowledged it: the peer
 * may or may not have handed it to its subscriber, and nothing will tell which. It ends a delivery when
 * the peer restarts ({@link PeerRestartedException}), leaves, or is removed from the members, or when
 * this node stops, with the message sent and unacknowledged; a message that was never sent fails with
 * {@link NodeUnreachableException} (or the stop's own exception) instead, since the peer cannot have it.
 * An application that must know resends it, made idempotent, or asks the peer.
 */
@ProviderType
public class DeliveryUnconfirmedException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what ended the delivery, for the log
     */
    public DeliveryUnconfirmedException(String message) {
        super(message);
    }
}
