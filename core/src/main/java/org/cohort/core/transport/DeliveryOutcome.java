package org.cohort.core.transport;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.DeliveryDeadlineException;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.PeerRestartedException;

/** Why a message a session accepted was failed back to its sender; counted per peer by reason. */
enum DeliveryOutcome {
    /** The peer has no subscriber and no delegate for the subject (the peer said so). */
    NO_HANDLER("noHandler"),
    /** The peer's subscriber executor refused it (the peer said so). */
    REFUSED("refused"),
    /** Its deadline passed before the peer accepted it (here, or the peer said so). */
    DEADLINE("deadline"),
    /** Queued and never sent: no stream to the peer for longer than the resend linger. */
    UNREACHABLE("unreachable"),
    /** The peer restarted (a new incarnation) before it acknowledged the message. */
    RESTARTED("restarted"),
    /** The peer said goodbye before it acknowledged the message. */
    LEFT("left"),
    /** The peer left the configured members. */
    REMOVED("removed"),
    /** This node stopped before the peer acknowledged the message. */
    STOPPED("stopped");

    final String key;

    DeliveryOutcome(String key) {
        this.key = key;
    }

    /** The code an outcome message carries for the reasons a peer tells (NO_HANDLER, REFUSED, DEADLINE). */
    byte code() {
        return (byte) ordinal();
    }

    /** What the sender of a message on {@code subject} to {@code peer} is told. */
    MessagingException exception(NodeId peer, MessageSubject subject) {
        return switch (this) {
            case NO_HANDLER -> new NoRemoteHandlerException("node " + peer + " has no handler for subject " + subject);
            case REFUSED -> new PeerOverloadedException("the handler of subject " + subject + " on node " + peer
                    + " refused the message");
            case DEADLINE -> new DeliveryDeadlineException("the deadline passed before node " + peer
                    + " took the message on subject " + subject);
            case RESTARTED -> new PeerRestartedException("node " + peer + " restarted before it acknowledged the "
                    + "message on subject " + subject);
            case STOPPED -> new MessagingException("cluster I/O stopped before node " + peer
                    + " acknowledged the message on subject " + subject);
            default -> new NodeUnreachableException("node " + peer + " " + key + " before it acknowledged the "
                    + "message on subject " + subject);
        };
    }

    static DeliveryOutcome ofCode(byte code) {
        return code >= 0 && code <= DEADLINE.ordinal() ? values()[code] : null;
    }
}
