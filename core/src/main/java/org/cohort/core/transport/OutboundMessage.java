package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.HeadedMessage;

/**
 * A message a session accepted: queued, then sent and kept until the peer acknowledges it. It carries
 * its envelope's fields (subject, payload, kind) and once first written its sequence number. Touched
 * under its session's lock after it is queued.
 *
 * <p>It is the one object a message sent by this node costs on its way out, so it holds only what every
 * message needs: a message of this node with no outcome to tell is this class itself (its sender is this
 * node; a request or a reply is an {@link Exchange}, for its id and status). A message given as a
 * {@link ClusterMessage} with its sender's outcome future, a deadline, or a sender other than this node,
 * and the session's own outcome messages, are a {@link Given}, which keeps the rest. A chunked message
 * keeps between turns how much of its envelope is written on the current stream and its payload wrapped
 * for slicing ({@link Chunks}).
 */
class OutboundMessage {

    /**
     * Bytes counted per message beyond its payload and subject: the envelope's fixed fields, the sender's
     * id (a few bytes for the usual node names; it is not looked at per message) and the queue entry.
     */
    private static final int OVERHEAD_BYTES = 48;

    final MessageSubject subject;
    final byte[] payload;

    /** Its sequence number in the session, from its first write; 0 before. */
    long seq;
    /** Its subject's credit account (null for an exempt subject). */
    SubjectCredit credit;
    /** Where a chunked message stands on the current stream; null for a message not (yet) chunked. */
    Chunks chunks;

    /** Its envelope's kind ({@link Envelope#PLAIN}, or one of core messaging's). */
    final byte kind;
    /** Sent at most once: not numbered, not kept, no credit; its outcome completes once it is written. */
    final boolean atMostOnce;
    /** Whether the sender was told its outcome already (a failure may come before the ack). */
    boolean settled;

    /**
     * A chunked message's progress, kept apart so that the many small messages do not carry it: its id
     * on the stream, the bytes of its envelope's header and of the whole envelope, the envelope bytes
     * written so far, and the payload array as a buffer for its chunks' slices.
     */
    static final class Chunks {
        final int chunkId;
        final int headerBytes;
        final int envelopeBytes;
        int written;
        private ByteBuf payload;

        Chunks(int chunkId, int headerBytes, int envelopeBytes, ByteBuf payload) {
            this.chunkId = chunkId;
            this.headerBytes = headerBytes;
            this.envelopeBytes = envelopeBytes;
            this.payload = payload;
        }

        ByteBuf payload() {
            return payload;
        }
    }

    /** A request or a reply of core messaging, sent by this node with no outcome to tell. */
    static final class Exchange extends OutboundMessage {
        private final long requestId;
        private final byte status;

        private Exchange(MessageSubject subject, byte[] payload, byte kind, long requestId, byte status,
                boolean atMostOnce) {
            super(subject, payload, kind, atMostOnce);
            this.requestId = requestId;
            this.status = status;
        }

        @Override
        long requestId() {
            return requestId;
        }

        @Override
        byte status() {
            return status;
        }
    }

    /**
     * A message given as a {@link ClusterMessage}, with what its sender is to be told (its outcome future,
     * if it asked for one) and its deadline; or an outcome message of the session, with what to do once
     * it is written.
     */
    static final class Given extends OutboundMessage {
        final ClusterMessage message;
        /** Completed when the peer accepted it, failed when it will not; null if nobody asked. */
        private final CompletableFuture<Void> outcome;
        /** When it may no longer be delivered, on the node's clock; 0 for never. */
        private final long deadlineNanos;
        /** For an outcome message: what to tell once it is written (the refused message's credit returns). */
        private final Consumption afterWrite;

        private Given(ClusterMessage message, CompletableFuture<Void> outcome, long deadlineNanos,
                Consumption afterWrite, boolean atMostOnce) {
            super(message.subject(), message.payload(), Envelope.kindOf(message), atMostOnce);
            this.message = message;
            this.outcome = outcome;
            this.deadlineNanos = deadlineNanos;
            this.afterWrite = afterWrite;
        }

        @Override
        NodeId sender(NodeId local) {
            return message.sender();
        }

        @Override
        long requestId() {
            return message instanceof HeadedMessage headed ? headed.requestId() : 0L;
        }

        @Override
        byte status() {
            return message instanceof HeadedMessage headed ? headed.status() : 0;
        }

        @Override
        long deadlineNanos() {
            return deadlineNanos;
        }

        @Override
        boolean control() {
            return afterWrite != null;
        }

        @Override
        void written() {
            if (afterWrite != null) {
                afterWrite.consumed(message);
            }
        }

        @Override
        void told(MessagingException failure) {
            if (outcome != null) {
                if (failure == null) {
                    outcome.complete(null);
                } else {
                    outcome.completeExceptionally(failure);
                }
            }
        }
    }

    private OutboundMessage(MessageSubject subject, byte[] payload, byte kind, boolean atMostOnce) {
        this.subject = subject;
        this.payload = payload;
        this.kind = kind;
        this.atMostOnce = atMostOnce;
    }

    /**
     * A message of this node given by its envelope's fields, with no outcome to tell.
     *
     * @param kind {@link Envelope#PLAIN} or one of core messaging's kinds
     * @param requestId a request's or a reply's id (otherwise ignored)
     * @param status a reply's status (otherwise ignored)
     */
    static OutboundMessage of(MessageSubject subject, byte[] payload, byte kind, long requestId, byte status,
            boolean atMostOnce) {
        return kind == Envelope.REQUEST || kind == Envelope.REPLY
                ? new Exchange(subject, payload, kind, requestId, status, atMostOnce)
                : new OutboundMessage(subject, payload, kind, atMostOnce);
    }

    /**
     * A message as given, with what its sender is to be told.
     *
     * @param outcome completed when the peer accepted it, failed when it will not; null if nobody asked
     * @param deadlineNanos when it may no longer be delivered, on the node's clock; 0 for never
     * @param afterWrite for an outcome message, what to tell once it is written; otherwise null
     */
    static OutboundMessage of(ClusterMessage message, CompletableFuture<Void> outcome, long deadlineNanos,
            Consumption afterWrite, boolean atMostOnce) {
        return new Given(message, outcome, deadlineNanos, afterWrite, atMostOnce);
    }

    /**
     * A message as given, with nobody to tell and no deadline: if this node sent it, its fields alone (the
     * message object is not kept until the ack), otherwise wrapping it.
     */
    static OutboundMessage of(ClusterMessage message, NodeId localId, boolean atMostOnce) {
        if (!message.sender().equals(localId)) {
            return of(message, null, 0, null, atMostOnce);
        }
        HeadedMessage headed = message instanceof HeadedMessage h ? h : null;
        return of(message.subject(), message.payload(), Envelope.kindOf(message),
                headed == null ? 0L : headed.requestId(), headed == null ? 0 : headed.status(), atMostOnce);
    }

    /** A message as given, with nobody to tell, no deadline, numbered and credited. */
    static OutboundMessage of(ClusterMessage message) {
        return of(message, null, 0, null, false);
    }

    /** What the message counts against the session's queue and resend bounds; the same every time. */
    long weight() {
        return (long) payload.length + subject.value().length() + OVERHEAD_BYTES;
    }

    /** The sender its envelope names: this node ({@code local}) unless it was given naming another. */
    NodeId sender(NodeId local) {
        return local;
    }

    /** A request's or a reply's id; 0 otherwise. */
    long requestId() {
        return 0L;
    }

    /** A reply's status; 0 otherwise. */
    byte status() {
        return 0;
    }

    /** When it may no longer be delivered, on the node's clock; 0 for never. */
    long deadlineNanos() {
        return 0L;
    }

    /** Whether it is the session's own outcome message (it passes the bounds and is never failed back). */
    boolean control() {
        return false;
    }

    /** It is written completely (for an outcome message, the refused message's credit returns). */
    void written() {
    }

    /** Tells its sender, if it asked: accepted (null) or not (why). */
    void told(MessagingException failure) {
    }

    boolean started() {
        return chunks != null;
    }

    void start(int chunkId, int headerBytes, int envelopeBytes) {
        chunks = new Chunks(chunkId, headerBytes, envelopeBytes, Unpooled.wrappedBuffer(payload));
    }

    /** Forgets the chunks written on a stream that closed: the message is sent again whole. */
    void restart() {
        release();
        chunks = null;
    }

    /** Lets go of the wrapped payload; its chunks in flight hold their own references. Safe to repeat. */
    void release() {
        if (chunks != null && chunks.payload != null) {
            chunks.payload.release();
            chunks.payload = null;
        }
    }

    /** The peer accepted it. */
    final void succeed() {
        if (!settled) {
            settled = true;
            told(null);
        }
    }

    /** It will not be delivered (or may not have been): its sender is told why. */
    final void fail(MessagingException why) {
        if (!settled) {
            settled = true;
            told(why);
        }
    }
}
