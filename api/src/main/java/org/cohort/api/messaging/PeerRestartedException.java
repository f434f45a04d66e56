package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The receiving node restarted (a new incarnation answered) before it acknowledged the message: the
 * earlier process may or may not have handed it to its subscriber, and the new one never will. The
 * restart case of {@link DeliveryUnconfirmedException}.
 */
@ProviderType
public class PeerRestartedException extends DeliveryUnconfirmedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public PeerRestartedException(String message) {
        super(message);
    }
}
