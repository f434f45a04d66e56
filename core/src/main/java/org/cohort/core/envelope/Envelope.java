package org.cohort.core.envelope;

import io.netty.buffer.ByteBuf;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * The message envelope on the wire (the body of a MESSAGE frame, or of a chunked message), written and
 * read by hand rather than by Kryo: three fields do not need a serialization framework, and without one
 * the IO threads neither take a Kryo instance from a locked pool nor wrap Netty buffers in NIO views.
 *
 * <pre>
 * u8  sender length n (1..128)     sender id, n ASCII bytes
 * u16 subject length m (1..765)    subject, m bytes of UTF-8
 * u8  kind                         0 plain, 1 one-way, 2 request, 3 reply (core's messaging header)
 *     request: u64 request id;  reply: u64 request id, u8 status
 * u32 payload length p             payload, p bytes (for a messaging kind: the body alone)
 * </pre>
 *
 * Integers are big-endian. The envelope ends exactly where its payload does; a reader refuses anything
 * before or after that does not fit. Version 2 of the envelope (version 1 was Kryo's: varint-prefixed
 * strings, no kind, the messaging header copied in front of the payload).
 */
public final class Envelope {

    /** A message sent through the transport as it is: the payload is the application's. */
    public static final byte PLAIN = 0;
    /** Core messaging: a one-way message. */
    public static final byte ONE_WAY = 1;
    /** Core messaging: a request, followed by its id. */
    public static final byte REQUEST = 2;
    /** Core messaging: a reply, followed by its request's id and a status. */
    public static final byte REPLY = 3;

    /** The most bytes of UTF-8 a subject takes: 3 per UTF-16 char (a surrogate pair is 4 for 2 chars). */
    static final int MAX_SUBJECT_BYTES = 3 * MessageSubject.MAX_LENGTH;
    /** Bytes of the fixed fields: the two lengths of the names, the kind and the payload length. */
    static final int FIXED_BYTES = 1 + 2 + 1 + 4;
    /** The most bytes of a kind's fields after the kind byte. */
    static final int MAX_KIND_BYTES = 8 + 1;
    /** The longest an envelope's header (everything before the payload) can be. */
    public static final int MAX_HEADER_BYTES = FIXED_BYTES + NodeId.MAX_LENGTH + MAX_SUBJECT_BYTES + MAX_KIND_BYTES;

    private Envelope() {
    }

    /** Bytes that follow the kind byte for a kind. */
    static int kindBytes(byte kind) {
        return kind == REQUEST ? 8 : kind == REPLY ? 9 : 0;
    }

    /** The kind of envelope a message travels in: {@link #PLAIN}, or a {@link HeadedMessage}'s. */
    public static byte kindOf(ClusterMessage message) {
        return message instanceof HeadedMessage headed ? headed.kind() : PLAIN;
    }

    /** An upper bound of the envelope's length, from the names' char counts (no UTF-8 encoding). */
    public static int maxEncodedLength(ClusterMessage message) {
        return maxEncodedLength(message.sender(), message.subject(), kindOf(message), message.payload().length);
    }

    /** An upper bound of the length of the envelope with these fields (see {@link #maxEncodedLength(ClusterMessage)}). */
    public static int maxEncodedLength(NodeId sender, MessageSubject subject, byte kind, int payloadLength) {
        return FIXED_BYTES + sender.id().length() + 3 * subject.value().length() + kindBytes(kind) + payloadLength;
    }

    /**
     * The message with these envelope fields: a plain {@link ClusterMessage}, or a {@link HeadedMessage}
     * of the kind.
     */
    public static ClusterMessage message(NodeId sender, MessageSubject subject, byte[] payload, byte kind,
            long requestId, byte status) {
        return kind == PLAIN ? new ClusterMessage(sender, subject, payload)
                : HeadedMessage.of(sender, subject, payload, kind, requestId, status);
    }

    /**
     * Writes the whole envelope at the buffer's writer index.
     *
     * @throws IndexOutOfBoundsException if the buffer has not room for it, before anything is written
     */
    public static void encode(ClusterMessage message, ByteBuf target) {
        EnvelopeWriter writer = new EnvelopeWriter();
        int header = writer.headerBytes(message);
        int length = header + message.payload().length;
        if (target.maxWritableBytes() < length) {
            throw new IndexOutOfBoundsException("the envelope needs " + length + " bytes, the buffer has room for "
                    + target.maxWritableBytes());
        }
        writer.writeHeader(message, target);
        target.writeBytes(message.payload());
    }

    /**
     * Reads one envelope that spans the buffer's readable bytes exactly, with no peer to check it against.
     *
     * @throws io.netty.handler.codec.CorruptedFrameException if the bytes are not one well-formed envelope
     */
    public static ClusterMessage decode(ByteBuf source) {
        return new EnvelopeReader(null).decode(source);
    }
}
