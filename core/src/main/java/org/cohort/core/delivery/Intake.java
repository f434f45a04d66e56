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

    /**
     * Opens a batch for one stream's reads: messages taken during a read are handed to their
     * subscribers' executors once the read is done, one hand-off per subject and read instead of one per
     * message (each hand-off may wake an executor's thread). This default hands each message on at once.
     *
     * @return a batch, used by one thread at a time
     */
    default Batch batch() {
        return new Batch() {
            @Override
            public Acceptance accept(ClusterMessage message, Consumption consumption, long token) {
                return Intake.this.accept(message, consumption);
            }

            @Override
            public void handOff() {
            }
        };
    }

    /**
     * The messages of one read, held until {@link #handOff}. Whoever uses a batch holds back what it
     * tells the senders (the transport's ACK) until {@code handOff} has returned: an executor may still
     * refuse a message then, and its sender is told of that through {@link Consumption#refused}.
     */
    interface Batch {

        /**
         * Takes a message as {@link Intake#accept} does, except that an executor-run subscriber gets it
         * at {@link #handOff}.
         *
         * @param message the message
         * @param consumption as for {@link Intake#accept}; also told if the hand-off is refused
         * @param token handed back to {@code consumption} with a refusal
         * @return what became of it so far: ACCEPTED may still turn into a refusal at the hand-off
         */
        Acceptance accept(ClusterMessage message, Consumption consumption, long token);

        /** Hands what was taken since the last call to the subscribers' executors; never throws. */
        void handOff();
    }
}
