package org.cohort.core.transport;

import io.netty.handler.codec.CorruptedFrameException;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * What a receiver sends back for a message it did not accept: on the reserved subject {@link #SUBJECT},
 * {@code [u64 sequence number][u8 reason]}. It travels as a numbered message itself, so that a reset
 * cannot lose it.
 *
 * @param seq the sequence number of the message not accepted, in its sender's session
 * @param reason why: NO_HANDLER, REFUSED or DEADLINE
 */
record OutcomeMessage(long seq, DeliveryOutcome reason) {

    /** The reserved subject of outcome messages. */
    static final MessageSubject SUBJECT = MessageSubject.of("cohort.outcome");
    private static final int BYTES = 9;

    ClusterMessage encode(NodeId from) {
        byte[] body = new byte[BYTES];
        for (int i = 0; i < 8; i++) {
            body[i] = (byte) (seq >>> (56 - 8 * i));
        }
        body[8] = reason.code();
        return new ClusterMessage(from, SUBJECT, body);
    }

    /** @throws CorruptedFrameException if the message is not a well-formed outcome */
    static OutcomeMessage decode(ClusterMessage message) {
        byte[] body = message.payload();
        DeliveryOutcome reason = body.length == BYTES ? DeliveryOutcome.ofCode(body[8]) : null;
        if (reason == null) {
            throw new CorruptedFrameException("malformed outcome message of " + body.length + " bytes");
        }
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            seq = seq << 8 | body[i] & 0xFF;
        }
        return new OutcomeMessage(seq, reason);
    }
}
