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

    /**
     * A message a {@link Intake.Batch} took (and said ACCEPTED for) was refused by its subscriber's
     * executor when the batch handed it off: its sender must be told, and the sender's credit for it
     * returns once that is on its way. Called instead of {@link #consumed}, on the thread that calls
     * {@link Intake.Batch#handOff}, before that returns; quick, never blocking, never throwing. A
     * consumption nobody gives credit for ({@link #NONE}) has nobody to tell: the refusal is only counted.
     *
     * @param message the refused message
     * @param token what the batch's caller gave with the message (the transport's sequence number)
     */
    default void refused(ClusterMessage message, long token) {
    }
}
