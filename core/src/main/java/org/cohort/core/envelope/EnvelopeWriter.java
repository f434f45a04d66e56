package org.cohort.core.envelope;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private final Map<MessageSubject, byte[]> subjects = new HashMap<>();
    /** Where a header is put together before it is written (see {@link #writeHeader}). */
    private final byte[] scratch = new byte[Envelope.MAX_HEADER_BYTES];
    private NodeId sender;
    private byte[] senderBytes;
    private MessageSubject subject;
    private byte[] subjectBytes;

    /** The length of the message's envelope header; call before {@link #writeHeader} for the same message. */
    public int headerBytes(ClusterMessage message) {
        return headerBytes(message.sender(), message.subject(), Envelope.kindOf(message));
    }

    /** Writes the header of the message last passed to {@link #headerBytes}: the payload is to follow. */
    public void writeHeader(ClusterMessage message, ByteBuf out) {
        HeadedMessage headed = message instanceof HeadedMessage h ? h : null;
        writeHeader(message.sender(), message.subject(), Envelope.kindOf(message),
                headed == null ? 0L : headed.requestId(), headed == null ? 0 : headed.status(),
                message.payload().length, out);
    }

    /**
     * The length of the header of an envelope with these fields (a message not made into a
     * {@link ClusterMessage}); call before {@link #writeHeader(NodeId, MessageSubject, byte, long, byte, int,
     * ByteBuf)} for the same one.
     */
    public int headerBytes(NodeId from, MessageSubject about, byte kind) {
        prepare(from, about);
        return Envelope.FIXED_BYTES + senderBytes.length + subjectBytes.length + Envelope.kindBytes(kind);
    }

    /**
     * Writes the header of an envelope with these fields: the payload of {@code payloadLength} bytes is to
     * follow. The request id is written for a request or a reply, the status for a reply.
     */
    public void writeHeader(NodeId from, MessageSubject about, byte kind, long requestId, byte status,
            int payloadLength, ByteBuf out) {
        prepare(from, about);
        // Put together here, then written in one go: every single-field write to a buffer checks its
        // bounds and its reference count, eight of them per message where one does.
        byte[] header = scratch;
        int at = 0;
        header[at++] = (byte) senderBytes.length;
        System.arraycopy(senderBytes, 0, header, at, senderBytes.length);
        at += senderBytes.length;
        header[at++] = (byte) (subjectBytes.length >>> 8);
        header[at++] = (byte) subjectBytes.length;
        System.arraycopy(subjectBytes, 0, header, at, subjectBytes.length);
        at += subjectBytes.length;
        header[at++] = kind;
        if (kind == Envelope.REQUEST || kind == Envelope.REPLY) {
            BIG_ENDIAN_LONG.set(header, at, requestId);
            at += Long.BYTES;
        }
        if (kind == Envelope.REPLY) {
            header[at++] = status;
        }
        BIG_ENDIAN_INT.set(header, at, payloadLength);
        at += Integer.BYTES;
        out.writeBytes(header, 0, at);
    }

    private void prepare(NodeId from, MessageSubject about) {
        if (from != sender) {
            sender = from;
            senderBytes = from.id().getBytes(StandardCharsets.US_ASCII); // node ids are ASCII
        }
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
