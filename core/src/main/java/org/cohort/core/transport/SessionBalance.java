package org.cohort.core.transport;

/**
 * What one peer session holds at an instant, both ways. When traffic has stopped and every stream is up,
 * each figure is zero: a figure that stays above zero is a message or a credit lost in the books (the
 * simulator's quiescence check reads this).
 *
 * @param peerIncarnation the peer incarnation the session is with
 * @param queuedBytes bytes accepted for the peer and not yet written
 * @param unackedMessages messages written and not yet acknowledged, or waiting to be written again
 * @param creditOutstandingMessages messages sent on any subject that the peer has not yet reported consumed
 * @param unconsumedMessages messages received from the peer that its subscribers have not yet consumed
 * @param untoldMessages messages consumed whose credit the peer has not yet been told of
 */
public record SessionBalance(long peerIncarnation, long queuedBytes, long unackedMessages,
        long creditOutstandingMessages, long unconsumedMessages, long untoldMessages) {

    /** Whether nothing is held either way. */
    public boolean isSettled() {
        return queuedBytes == 0 && unackedMessages == 0 && creditOutstandingMessages == 0 && unconsumedMessages == 0
                && untoldMessages == 0;
    }
}
