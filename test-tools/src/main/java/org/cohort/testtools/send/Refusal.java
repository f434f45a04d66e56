package org.cohort.testtools.send;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.SendResult;

/** Why a message was not sent: Cohort's {@link SendResult} for a unicast, or the test tools' own reason. */
public enum Refusal {
    /** The outbound queue to the node is full. */
    QUEUE_FULL,
    /** The bytes sent to the node and not yet acknowledged reached their bound. */
    RESEND_FULL,
    /** There is no stream to the node. */
    NO_STREAM,
    /** The node is not a member of the cluster. */
    UNKNOWN_NODE,
    /** The message is larger than message.max.bytes. */
    TOO_LARGE,
    /** Cluster I/O is not running, or is stopping. */
    STOPPED,
    /** A broadcast found no other ACTIVE member. */
    NO_ACTIVE_MEMBER,
    /** The message could not be serialized (too large). */
    NOT_SERIALIZABLE;

    /** @return the refusal for what {@code trySend} answered; not for {@link SendResult#ACCEPTED} */
    public static Refusal of(SendResult result) {
        return switch (result) {
            case QUEUE_FULL -> QUEUE_FULL;
            case RESEND_FULL -> RESEND_FULL;
            case NO_STREAM -> NO_STREAM;
            case UNKNOWN_NODE -> UNKNOWN_NODE;
            case TOO_LARGE -> TOO_LARGE;
            case STOPPED -> STOPPED;
            case ACCEPTED -> throw new IllegalArgumentException("ACCEPTED is no refusal");
        };
    }

    /**
     * Says the refusal in words.
     *
     * @param to the node the message was for
     * @return one line for the shell
     */
    public String describe(NodeId to) {
        return switch (this) {
            case UNKNOWN_NODE -> to + " is not a member of the cluster";
            case NO_STREAM -> "there is no stream to " + to;
            case QUEUE_FULL -> "the outbound queue to " + to + " is full";
            case RESEND_FULL -> "the messages to " + to + " not yet acknowledged reached their bound";
            case TOO_LARGE -> "the message is larger than message.max.bytes";
            case STOPPED -> "cluster I/O is stopped";
            case NO_ACTIVE_MEMBER -> "no other member is ACTIVE";
            case NOT_SERIALIZABLE -> "the message cannot be serialized";
        };
    }
}
