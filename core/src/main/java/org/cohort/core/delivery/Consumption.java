package org.cohort.core.delivery;

import org.cohort.api.messaging.ClusterMessage;

/**
 * Told once per accepted message when its subscriber's executor is done with it (handled, failed, or
 * dropped because the subscription closed), so that the sender's credit for the subject comes back.
 * Called on the subscriber's executor: quick, never blocking, never throwing.
 */
@FunctionalInterface
public interface Consumption {

    /** A consumption for messages nobody gives credit for (sent to this node, or at most once). */
    Consumption NONE = message -> { };

    void consumed(ClusterMessage message);
}
