package org.cohort.core.delivery;

/**
 * A {@link Consumption} that only counts: a run of its messages consumed one after another may be told
 * at once, which saves the subscriber's thread a few atomic updates per message (a drain runs hundreds).
 */
public interface CreditAccount extends Consumption {

    /**
     * Tells that many of this account's messages consumed, as that many calls of {@link #consumed} would.
     *
     * @param messages how many messages
     * @param bytes their payload bytes together
     */
    void consumed(int messages, long bytes);
}
