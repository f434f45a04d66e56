package org.cohort.core.messaging;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.delivery.EnvelopeSender;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;

/**
 * Sends this node's messages with their {@link MessageHeader}: through the transport's
 * {@link EnvelopeSender}, by their envelope's fields, when the sender is the transport's (a message then
 * costs the transport's queue entry alone, with no message object besides); otherwise as a
 * {@link HeadedMessage} through any {@link MessageSender}. Thread-safe if the sender is.
 */
final class HeadedSender {

    private final NodeId localId;
    private final MessageSender sender;
    /** The sender as the transport's, or null if it is not (a test's, or a benchmark's). */
    private final EnvelopeSender envelopes;

    HeadedSender(NodeId localId, MessageSender sender) {
        this.localId = localId;
        this.sender = sender;
        this.envelopes = sender instanceof EnvelopeSender transport ? transport : null;
    }

    /** As {@link MessageSender#send}: whether the message was queued. */
    boolean send(NodeId to, MessageSubject subject, byte[] body, Kind kind, long requestId, Status status) {
        byte statusCode = status == null ? 0 : status.code;
        if (envelopes != null) {
            return envelopes.send(to, subject, body, kind.code, requestId, statusCode).accepted();
        }
        return sender.send(to, HeadedMessage.of(localId, subject, body, kind.code, requestId, statusCode));
    }

    /** As {@link MessageSender#trySend}: accepted, or why not. */
    SendResult trySend(NodeId to, MessageSubject subject, byte[] body, Kind kind, long requestId, Status status) {
        byte statusCode = status == null ? 0 : status.code;
        if (envelopes != null) {
            return envelopes.send(to, subject, body, kind.code, requestId, statusCode);
        }
        return sender.trySend(to, HeadedMessage.of(localId, subject, body, kind.code, requestId, statusCode));
    }
}
