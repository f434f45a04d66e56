package org.cohort.core.envelope;

import java.util.Objects;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * A message of core's request/reply layer: its kind, request id and reply status travel in the envelope,
 * beside the payload, so that neither side copies the payload to put a header in front of it or to take
 * one off. {@link #payload()} is the body alone. Codes are {@link Envelope}'s.
 *
 * <p>A one-way message, by far the most common, has no request id or status to hold: it is a class of
 * its own with no fields beyond the message's (the receiver makes one per message it reads), a request
 * or a reply another. {@link #of} picks; two messages of the same fields are of the same class.
 */
public abstract sealed class HeadedMessage extends ClusterMessage permits HeadedMessage.OneWay, HeadedMessage.Exchange {

    private HeadedMessage(NodeId sender, MessageSubject subject, byte[] body) {
        super(sender, subject, body);
    }

    /**
     * The message with these fields.
     *
     * @param kind {@link Envelope#ONE_WAY}, {@link Envelope#REQUEST} or {@link Envelope#REPLY}
     * @param requestId the request id (ignored for a one-way message, which has none)
     * @param status the reply status code (ignored unless a reply)
     * @throws IllegalArgumentException for an unknown kind
     */
    public static HeadedMessage of(NodeId sender, MessageSubject subject, byte[] body, byte kind, long requestId,
            byte status) {
        return switch (kind) {
            case Envelope.ONE_WAY -> new OneWay(sender, subject, body);
            case Envelope.REQUEST -> new Exchange(sender, subject, body, kind, requestId, (byte) 0);
            case Envelope.REPLY -> new Exchange(sender, subject, body, kind, requestId, status);
            default -> throw new IllegalArgumentException("unknown message kind " + kind);
        };
    }

    public abstract byte kind();

    /** The request id of a request or a reply; 0 for a one-way message. */
    public abstract long requestId();

    /** The status code of a reply; 0 otherwise. */
    public abstract byte status();

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && kind() == ((HeadedMessage) other).kind()
                && requestId() == ((HeadedMessage) other).requestId() && status() == ((HeadedMessage) other).status();
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hash(kind(), requestId(), status());
    }

    @Override
    public String toString() {
        return "HeadedMessage{sender=" + sender() + ", subject=" + subject() + ", kind=" + kind() + ", request="
                + requestId() + ", status=" + status() + ", payload=" + payload().length + " bytes}";
    }

    /** A one-way message: its kind is its class. */
    static final class OneWay extends HeadedMessage {

        private OneWay(NodeId sender, MessageSubject subject, byte[] body) {
            super(sender, subject, body);
        }

        @Override
        public byte kind() {
            return Envelope.ONE_WAY;
        }

        @Override
        public long requestId() {
            return 0L;
        }

        @Override
        public byte status() {
            return 0;
        }
    }

    /** A request or a reply. */
    static final class Exchange extends HeadedMessage {

        private final byte kind;
        private final long requestId;
        private final byte status;

        private Exchange(NodeId sender, MessageSubject subject, byte[] body, byte kind, long requestId, byte status) {
            super(sender, subject, body);
            this.kind = kind;
            this.requestId = requestId;
            this.status = status;
        }

        @Override
        public byte kind() {
            return kind;
        }

        @Override
        public long requestId() {
            return requestId;
        }

        @Override
        public byte status() {
            return status;
        }
    }
}
