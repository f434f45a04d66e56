package org.cohort.core.delivery;

/** What the receiving node did with a message the moment it arrived; anything but ACCEPTED is told to its sender. */
public enum Acceptance {
    /** Handed to its subscriber's executor (or to a delegate that took it). */
    ACCEPTED,
    /** No subscriber and no delegate claims its subject. */
    NO_HANDLER,
    /** The subscriber's executor refused it, or its backlog was full (a local or at-most-once send). */
    REFUSED
}
