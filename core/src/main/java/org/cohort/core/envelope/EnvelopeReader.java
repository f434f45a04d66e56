package org.cohort.core.envelope;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.util.LogText;

/**
 * Reads envelopes (see {@link Envelope}) from hostile bytes, without allocating for what a stream sends
 * again and again: the sender must be the stream's peer, so its bytes are compared with the peer's id and
 * the peer's {@link NodeId} is reused; subjects come from a small per-stream cache keyed by their bytes.
 * Only the payload array and the message are new per message.
 *
 * <p>Every length is checked against the bytes actually there before anything of that length is read
 * or allocated; any violation fails with {@link CorruptedFrameException}. One per stream, confined to
 * its event loop; without a peer (null) it reads any sender, allocating its id.
 */
public final class EnvelopeReader {

    /** Subjects kept per stream: a direct-mapped cache, a new subject takes its slot's place. */
    static final int SUBJECT_SLOTS = 64;

    private final NodeId peer;
    private final byte[] peerBytes;
    /** The subject cache, for a stream's reader only: a one-off read has nothing to reuse. */
    private final byte[][] subjectKeys;
    private final MessageSubject[] subjectValues;
    /**
     * The sender's and the subject's bytes, copied out of the frame in one bulk read before they are
     * hashed and compared: byte-by-byte reads cost a bounds check each, and on a leak-aware buffer
     * (Netty's paranoid leak detection, as the fault suite runs) a stack trace each, which starved the
     * event loops of a loaded node until its heartbeats went out seconds late.
     */
    private final byte[] scratch;
    /** The subject read last, and its bytes: checked before the cache. */
    private byte[] lastSubjectKey;
    private MessageSubject lastSubject;

    // The header last read by readHeader: kept in fields so that reading one allocates nothing.
    private NodeId sender;
    private MessageSubject subject;
    private byte kind;
    private long requestId;
    private byte status;
    private int payloadLength;

    /** @param peer the node every envelope must name as its sender, or null to accept any */
    public EnvelopeReader(NodeId peer) {
        this.peer = peer;
        this.peerBytes = peer == null ? null : peer.id().getBytes(StandardCharsets.US_ASCII);
        this.subjectKeys = peer == null ? null : new byte[SUBJECT_SLOTS][];
        this.subjectValues = peer == null ? null : new MessageSubject[SUBJECT_SLOTS];
        this.scratch = peer == null ? null : new byte[Math.max(NodeId.MAX_LENGTH, Envelope.MAX_SUBJECT_BYTES)];
    }

    /** Reads one envelope that spans the buffer's readable bytes exactly; the payload is a new array. */
    public ClusterMessage decode(ByteBuf in) {
        readHeader(in);
        if (payloadLength != in.readableBytes()) {
            throw new CorruptedFrameException("envelope declares a payload of " + payloadLength + " bytes, "
                    + in.readableBytes() + " follow");
        }
        byte[] payload = new byte[payloadLength];
        in.readBytes(payload);
        return message(payload);
    }

    /**
     * Reads an envelope's header, up to its payload, which is left unread: the sender, subject and kind
     * are kept for {@link #message}, the payload's length is returned. Checks nothing about the bytes
     * after the header.
     */
    public int readHeader(ByteBuf in) {
        sender = readSender(in);
        subject = readSubject(in);
        need(in, 1, "kind");
        kind = in.readByte();
        if (kind < Envelope.PLAIN || kind > Envelope.REPLY) {
            throw new CorruptedFrameException("unknown message kind " + kind);
        }
        need(in, Envelope.kindBytes(kind) + 4, "header");
        requestId = kind == Envelope.REQUEST || kind == Envelope.REPLY ? in.readLong() : 0L;
        status = kind == Envelope.REPLY ? in.readByte() : 0;
        long length = in.readUnsignedInt();
        if (length > Integer.MAX_VALUE) {
            throw new CorruptedFrameException("payload of " + length + " bytes");
        }
        payloadLength = (int) length;
        return payloadLength;
    }

    /** The message with the header last read and the given payload. */
    public ClusterMessage message(byte[] payload) {
        return Envelope.message(sender, subject, payload, kind, requestId, status);
    }

    private NodeId readSender(ByteBuf in) {
        need(in, 1, "sender length");
        int length = in.readUnsignedByte();
        if (length < 1 || length > NodeId.MAX_LENGTH) {
            throw new CorruptedFrameException("sender id of " + length + " bytes");
        }
        need(in, length, "sender id");
        int at = in.readerIndex();
        in.skipBytes(length);
        if (peerBytes != null && length == peerBytes.length) {
            in.getBytes(at, scratch, 0, length);
            if (sameBytes(scratch, peerBytes, length)) {
                return peer;
            }
        }
        String text = in.toString(at, length, StandardCharsets.US_ASCII);
        NodeId claimed;
        try {
            claimed = NodeId.of(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptedFrameException("sender id: " + e.getMessage());
        }
        if (peer != null) {
            throw new CorruptedFrameException("message from " + peer + " claims sender " + LogText.escape(text));
        }
        return claimed;
    }

    private MessageSubject readSubject(ByteBuf in) {
        need(in, 2, "subject length");
        int length = in.readUnsignedShort();
        if (length < 1 || length > Envelope.MAX_SUBJECT_BYTES) {
            throw new CorruptedFrameException("subject of " + length + " bytes");
        }
        need(in, length, "subject");
        int at = in.readerIndex();
        in.skipBytes(length);
        if (subjectKeys == null) {
            return subject(in, at, length);
        }
        in.getBytes(at, scratch, 0, length);
        if (lastSubjectKey != null && lastSubjectKey.length == length && sameBytes(scratch, lastSubjectKey, length)) {
            return lastSubject; // a stream's messages come in runs of one subject
        }
        int hash = 1;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + scratch[i];
        }
        int slot = (hash ^ hash >>> 16) & (SUBJECT_SLOTS - 1);
        byte[] key = subjectKeys[slot];
        if (key == null || key.length != length || !sameBytes(scratch, key, length)) {
            key = Arrays.copyOf(scratch, length);
            subjectKeys[slot] = key;
            subjectValues[slot] = subject(in, at, length);
        }
        lastSubjectKey = key;
        lastSubject = subjectValues[slot];
        return lastSubject;
    }

    private static MessageSubject subject(ByteBuf in, int at, int length) {
        try {
            return MessageSubject.of(in.toString(at, length, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new CorruptedFrameException("subject: " + e.getMessage());
        }
    }


    /**
     * Whether the first {@code length} bytes of two arrays are the same: a plain loop, which for the
     * few bytes of an id or a subject costs less than the general comparison's set-up.
     */
    private static boolean sameBytes(byte[] read, byte[] known, int length) {
        for (int i = 0; i < length; i++) {
            if (read[i] != known[i]) {
                return false;
            }
        }
        return true;
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new CorruptedFrameException("envelope too short for its " + what + ": " + in.readableBytes()
                    + " bytes left, " + bytes + " needed");
        }
    }
}
