package org.cohort.core.delivery;

import org.cohort.api.messaging.ClusterMessage;

/**
 * Core's own communications delegate, as the transport sees it: it takes a message and says at once
 * whether a subscriber got it, so that the transport can tell the sender (a delegate that is not core's
 * is handed every message through {@code CommunicationsDelegate.dispatch} and counts as accepting it).
 */
public interface Intake {

    /**
     * Hands the message to its subject's subscriber, on the subscriber's executor.
     *
     * @param message the message
     * @param consumption told when the subscriber's executor is done with it, if it was accepted; for a
     *     message given credit by its sender the subject's backlog bound is not applied (the credit is
     *     the bound), for {@link Consumption#NONE} it is
     * @return what became of it
     */
    Acceptance accept(ClusterMessage message, Consumption consumption);
}
