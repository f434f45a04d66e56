package org.cohort.core.envelope;

import java.util.Objects;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * A message of core's request/reply layer: its kind, request id and reply status travel in the envelope,
 * beside the payload, so that neither side copies the payload to put a header in front of it or to take
 * one off. {@link #payload()} is the body alone. Codes are {@link Envelope}'s.
 */
public final class HeadedMessage extends ClusterMessage {

    private final byte kind;
    private final long requestId;
    private final byte status;

    /**
     * @param kind {@link Envelope#ONE_WAY}, {@link Envelope#REQUEST} or {@link Envelope#REPLY}
     * @param requestId the request id (0 for a one-way message)
     * @param status the reply status code (0 unless a reply)
     */
    public HeadedMessage(NodeId sender, MessageSubject subject, byte[] body, byte kind, long requestId, byte status) {
        super(sender, subject, body);
        if (kind != Envelope.ONE_WAY && kind != Envelope.REQUEST && kind != Envelope.REPLY) {
            throw new IllegalArgumentException("unknown message kind " + kind);
        }
        this.kind = kind;
        this.requestId = requestId;
        this.status = status;
    }

    /** The message with these fields (see the constructor). */
    public static HeadedMessage of(NodeId sender, MessageSubject subject, byte[] body, byte kind, long requestId,
            byte status) {
        return new HeadedMessage(sender, subject, body, kind, requestId, status);
    }

    public byte kind() {
        return kind;
    }

    public long requestId() {
        return requestId;
    }

    public byte status() {
        return status;
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && kind == ((HeadedMessage) other).kind
                && requestId == ((HeadedMessage) other).requestId && status == ((HeadedMessage) other).status;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hash(kind, requestId, status);
    }

    @Override
    public String toString() {
        return "HeadedMessage{sender=" + sender() + ", subject=" + subject() + ", kind=" + kind + ", request="
                + requestId + ", status=" + status + ", payload=" + payload().length + " bytes}";
    }
}
