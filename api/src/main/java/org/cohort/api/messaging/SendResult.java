package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a send did at once: the message was accepted, or the reason it was not. An accepted message is
 * delivered to the receiving subscriber's executor exactly once, in send order per (sender, subject), or
 * its sender is told that it was not: the future of {@code deliver} fails, and the sender's counters
 * say why ({@code cluster:stats}, JMX). A refused message was not sent at all; the refusal is counted
 * by its reason.
 */
@ProviderType
public enum SendResult {
    /** Accepted: it is queued, sent, or (to this node) handed to the dispatcher. */
    ACCEPTED,
    /** Refused: the outbound queue to the node is full (the peer's subscribers have not caught up). */
    QUEUE_FULL,
    /** Refused: the bytes sent to the node and not yet acknowledged reached their bound. */
    RESEND_FULL,
    /** Refused: there is no stream to the node and no recent one whose session still holds messages. */
    NO_STREAM,
    /** Refused: the node is not a member of the cluster. */
    UNKNOWN_NODE,
    /** Refused: the message is larger than {@code message.max.bytes}. */
    TOO_LARGE,
    /** Refused: cluster I/O is not running, or is stopping. */
    STOPPED;

    /**
     * Tells whether the message was accepted.
     *
     * @return true for {@link #ACCEPTED}
     */
    public boolean accepted() {
        return this == ACCEPTED;
    }
}
