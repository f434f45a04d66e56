package org.cohort.api.messaging;

import java.util.Arrays;
import java.util.Objects;
import org.cohort.api.cluster.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One message between cluster nodes: who sent it, its subject, and its payload bytes.
 *
 * <p><b>Payload ownership.</b> The payload array is handed over, not copied: once it is passed to the
 * constructor the caller must not change it, and {@link #payload()} returns that same array, which
 * receivers must treat as read-only. This keeps the hot path to one copy each way (into the socket
 * buffer on send, out of it on receive). A caller that must reuse its array passes a copy.
 *
 * <p><b>Subclasses.</b> Cohort's own messaging layer sends a subclass that carries its request/reply
 * header beside the payload rather than copied in front of it; two messages are equal only if they are
 * of the same class. Other code should not subclass it.
 */
@ProviderType
public class ClusterMessage {

    private final NodeId sender;
    private final MessageSubject subject;
    private final byte[] payload;

    /**
     * Creates a message.
     *
     * @param sender the node sending it
     * @param subject its subject
     * @param payload its payload, handed over without a copy (may be empty, not null)
     * @throws NullPointerException if an argument is null
     */
    public ClusterMessage(NodeId sender, MessageSubject subject, byte[] payload) {
        this.sender = Objects.requireNonNull(sender, "message sender must not be null");
        this.subject = Objects.requireNonNull(subject, "message subject must not be null");
        this.payload = Objects.requireNonNull(payload, "message payload must not be null (use an empty array)");
    }

    /**
     * Returns the node that sent the message.
     *
     * @return the sender
     */
    public NodeId sender() {
        return sender;
    }

    /**
     * Returns the subject.
     *
     * @return the subject
     */
    public MessageSubject subject() {
        return subject;
    }

    /**
     * Returns the payload array itself, not a copy; do not change it.
     *
     * @return the payload
     */
    public byte[] payload() {
        return payload;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (other == null || other.getClass() != getClass()) {
            return false;
        }
        ClusterMessage that = (ClusterMessage) other;
        return sender.equals(that.sender) && subject.equals(that.subject) && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sender, subject) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ClusterMessage{sender=" + sender + ", subject=" + subject + ", payload=" + payload.length + " bytes}";
    }
}
