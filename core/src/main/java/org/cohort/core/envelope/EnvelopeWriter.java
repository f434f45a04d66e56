package org.cohort.core.envelope;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * Writes envelope headers (see {@link Envelope}), keeping the encoded names it has seen so that a stream
 * encodes its node's id and its subjects once rather than per message. One per stream, confined to its
 * event loop. The payload is the caller's to write (copied behind the header, or sent as slices of its
 * array).
 */
public final class EnvelopeWriter {

    /** Subjects whose UTF-8 is kept; beyond it the cache starts again (senders use few subjects). */
    static final int MAX_CACHED_SUBJECTS = 256;

    private final Map<MessageSubject, byte[]> subjects = new HashMap<>();
    private NodeId sender;
    private byte[] senderBytes;
    private MessageSubject subject;
    private byte[] subjectBytes;

    /** The length of the message's envelope header; call before {@link #writeHeader} for the same message. */
    public int headerBytes(ClusterMessage message) {
        prepare(message);
        return Envelope.FIXED_BYTES + senderBytes.length + subjectBytes.length
                + Envelope.kindBytes(Envelope.kindOf(message));
    }

    /** Writes the header of the message last passed to {@link #headerBytes}: the payload is to follow. */
    public void writeHeader(ClusterMessage message, ByteBuf out) {
        prepare(message);
        out.writeByte(senderBytes.length);
        out.writeBytes(senderBytes);
        out.writeShort(subjectBytes.length);
        out.writeBytes(subjectBytes);
        byte kind = Envelope.kindOf(message);
        out.writeByte(kind);
        if (kind != Envelope.PLAIN) {
            HeadedMessage headed = (HeadedMessage) message;
            if (kind != Envelope.ONE_WAY) {
                out.writeLong(headed.requestId());
            }
            if (kind == Envelope.REPLY) {
                out.writeByte(headed.status());
            }
        }
        out.writeInt(message.payload().length);
    }

    private void prepare(ClusterMessage message) {
        NodeId from = message.sender();
        if (from != sender) {
            sender = from;
            senderBytes = from.id().getBytes(StandardCharsets.US_ASCII); // node ids are ASCII
        }
        MessageSubject about = message.subject();
        if (about != subject) {
            byte[] bytes = subjects.get(about);
            if (bytes == null) {
                if (subjects.size() >= MAX_CACHED_SUBJECTS) {
                    subjects.clear();
                }
                bytes = about.value().getBytes(StandardCharsets.UTF_8);
                subjects.put(about, bytes);
            }
            subject = about;
            subjectBytes = bytes;
        }
    }
}
