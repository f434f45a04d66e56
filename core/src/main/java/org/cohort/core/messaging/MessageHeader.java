package org.cohort.core.messaging;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.HeadedMessage;

/**
 * What {@link ClusterCommunicator} says about every message it sends, so that a receiver can tell
 * one-way messages, requests and replies apart and match replies to requests: a kind, a request id
 * (requests and replies) and a status (replies; for HANDLER_FAILED the body is the failure text, UTF-8).
 *
 * <p>It travels in the envelope beside the payload ({@link HeadedMessage}, see {@link Envelope}), not in
 * front of it, so neither side copies the body. Requests and one-way messages travel on the caller's
 * subject, replies on {@link #REPLY_SUBJECT}. {@link #of} treats its input as hostile: it never throws,
 * and returns null for a message without a header (sent around the communicator) or with an unknown
 * status.
 *
 * @param kind the kind
 * @param requestId the request id (0 for a one-way message)
 * @param status the reply status (null unless a reply)
 */
record MessageHeader(Kind kind, long requestId, Status status) {

    /** The reserved subject replies travel on. */
    static final String REPLY_SUBJECT = "cohort.reply";

    /** What a message is. */
    enum Kind {
        ONE_WAY(Envelope.ONE_WAY), REQUEST(Envelope.REQUEST), REPLY(Envelope.REPLY);

        final byte code;

        Kind(byte code) {
            this.code = code;
        }
    }

    /** How a request ended, as its reply says. */
    enum Status {
        OK(0), NO_HANDLER(1), HANDLER_FAILED(2), OVERLOADED(3);

        final byte code;

        Status(int code) {
            this.code = (byte) code;
        }
    }

    static ClusterMessage oneWay(NodeId from, MessageSubject subject, byte[] body) {
        return HeadedMessage.of(from, subject, body, Envelope.ONE_WAY, 0L, (byte) 0);
    }

    static ClusterMessage request(NodeId from, MessageSubject subject, long requestId, byte[] body) {
        return HeadedMessage.of(from, subject, body, Envelope.REQUEST, requestId, (byte) 0);
    }

    static ClusterMessage reply(NodeId from, MessageSubject subject, long requestId, Status status, byte[] body) {
        return HeadedMessage.of(from, subject, body, Envelope.REPLY, requestId, status.code);
    }

    /**
     * Reads a message's header.
     *
     * @param message the message, from anyone
     * @return the header, or null if the message has none or an invalid one
     */
    static MessageHeader of(ClusterMessage message) {
        if (!(message instanceof HeadedMessage headed)) {
            return null;
        }
        return switch (headed.kind()) {
            case Envelope.ONE_WAY -> new MessageHeader(Kind.ONE_WAY, 0L, null);
            case Envelope.REQUEST -> new MessageHeader(Kind.REQUEST, headed.requestId(), null);
            case Envelope.REPLY -> {
                Status status = status(headed.status());
                yield status == null ? null : new MessageHeader(Kind.REPLY, headed.requestId(), status);
            }
            default -> null;
        };
    }

    /**
     * The kind of a message's header, null without one or with an unknown kind. Allocates nothing: the
     * per-message paths read the header through this and {@link #requestIdOf}/{@link #statusOf} rather
     * than {@link #of}, so that their allocation does not depend on the JIT's escape analysis.
     */
    static Kind kindOf(ClusterMessage message) {
        if (!(message instanceof HeadedMessage headed)) {
            return null;
        }
        return switch (headed.kind()) {
            case Envelope.ONE_WAY -> Kind.ONE_WAY;
            case Envelope.REQUEST -> Kind.REQUEST;
            case Envelope.REPLY -> Kind.REPLY;
            default -> null;
        };
    }

    /** The request id of a message whose {@link #kindOf kind} is REQUEST or REPLY. */
    static long requestIdOf(ClusterMessage message) {
        return ((HeadedMessage) message).requestId();
    }

    /** The status of a message whose {@link #kindOf kind} is REPLY; null if unknown. */
    static Status statusOf(ClusterMessage message) {
        return status(((HeadedMessage) message).status());
    }

    private static Status status(byte code) {
        for (Status status : Status.values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }
}
