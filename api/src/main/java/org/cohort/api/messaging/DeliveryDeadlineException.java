package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The message's deadline passed before the receiving node accepted it for its subscriber: it will not
 * be delivered (a stale message, a flow rule overtaken by events, is dropped rather than applied late).
 */
@ProviderType
public class DeliveryDeadlineException extends MessagingTimeoutException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public DeliveryDeadlineException(String message) {
        super(message);
    }
}
