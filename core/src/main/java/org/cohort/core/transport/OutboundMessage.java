package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessagingException;
import org.cohort.core.delivery.Consumption;

/**
 * A message a session accepted: queued, then sent and kept until the peer acknowledges it. It carries
 * what its sender is to be told (its outcome future, if the sender asked for one), its deadline, and
 * once first written its sequence number. A chunked message keeps here, between turns, how much of its
 * envelope is written on the current stream and its payload wrapped for slicing ({@link Chunks}). Touched under its
 * session's lock after it is queued.
 */
final class OutboundMessage {

    /** Bytes counted per message beyond its payload and names, for the envelope and queue entry. */
    private static final int OVERHEAD_BYTES = 32;

    final ClusterMessage message;
    /** What the message counts against the session's queue and resend bounds. */
    final long weight;
    /** Completed when the peer accepted it, failed when it will not; null if nobody asked. */
    final CompletableFuture<Void> outcome;
    /** When it may no longer be delivered, on the node's clock; 0 for never. */
    final long deadlineNanos;
    /** For an outcome message: what to tell once it is written (the refused message's credit returns). */
    final Consumption afterWrite;
    /** Sent at most once: not numbered, not kept, no credit; its outcome completes once it is written. */
    final boolean atMostOnce;

    /** Its sequence number in the session, from its first write; 0 before. */
    long seq;
    /** Its subject's credit account (null for an exempt subject). */
    SubjectCredit credit;
    /** Whether the sender was told its outcome already (a failure may come before the ack). */
    boolean settled;

    /** Where a chunked message stands on the current stream; null for a message not (yet) chunked. */
    Chunks chunks;

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

    OutboundMessage(ClusterMessage message, CompletableFuture<Void> outcome, long deadlineNanos,
            Consumption afterWrite) {
        this(message, outcome, deadlineNanos, afterWrite, false);
    }

    OutboundMessage(ClusterMessage message, CompletableFuture<Void> outcome, long deadlineNanos,
            Consumption afterWrite, boolean atMostOnce) {
        this.atMostOnce = atMostOnce;
        this.message = message;
        this.outcome = outcome;
        this.deadlineNanos = deadlineNanos;
        this.afterWrite = afterWrite;
        this.weight = (long) message.payload().length + message.subject().value().length()
                + message.sender().id().length() + OVERHEAD_BYTES;
    }

    OutboundMessage(ClusterMessage message) {
        this(message, null, 0, null);
    }

    boolean started() {
        return chunks != null;
    }

    void start(int chunkId, int headerBytes, int envelopeBytes) {
        chunks = new Chunks(chunkId, headerBytes, envelopeBytes, Unpooled.wrappedBuffer(message.payload()));
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
    void succeed() {
        if (!settled) {
            settled = true;
            if (outcome != null) {
                outcome.complete(null);
            }
        }
    }

    /** It will not be delivered (or may not have been): its sender is told why. */
    void fail(MessagingException why) {
        if (!settled) {
            settled = true;
            if (outcome != null) {
                outcome.completeExceptionally(why);
            }
        }
    }
}
