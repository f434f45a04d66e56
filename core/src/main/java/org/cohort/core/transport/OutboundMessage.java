package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.cohort.api.messaging.ClusterMessage;

/**
 * A message in a stream's outbound queue. A chunked message keeps here, between turns, how much of its
 * envelope is written and its payload wrapped for slicing. Touched only by the stream's event loop after
 * it is queued.
 */
final class OutboundMessage {

    /** Bytes counted per message beyond its payload and names, for the envelope and queue entry. */
    private static final int OVERHEAD_BYTES = 32;

    final ClusterMessage message;
    /** What the message counts against the stream's outbound queue limit. */
    final long weight;

    /** The message id on the stream, once its first chunk is written. */
    int chunkId;
    /** Bytes of the envelope's header, and of the whole envelope, once chunking started; 0 before. */
    int headerBytes;
    int envelopeBytes;
    /** Envelope bytes written so far. */
    int written;
    /** The payload array as a buffer, for its chunks' slices; null until the first chunk and after. */
    private ByteBuf payload;

    OutboundMessage(ClusterMessage message) {
        this.message = message;
        this.weight = (long) message.payload().length + message.subject().value().length()
                + message.sender().id().length() + OVERHEAD_BYTES;
    }

    boolean started() {
        return envelopeBytes != 0;
    }

    void start(int chunkId, int headerBytes, int envelopeBytes) {
        this.chunkId = chunkId;
        this.headerBytes = headerBytes;
        this.envelopeBytes = envelopeBytes;
        this.payload = Unpooled.wrappedBuffer(message.payload());
    }

    ByteBuf payload() {
        return payload;
    }

    /** Lets go of the wrapped payload; its chunks in flight hold their own references. Safe to repeat. */
    void release() {
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }
}
