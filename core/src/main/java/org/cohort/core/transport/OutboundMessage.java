package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import org.cohort.api.messaging.ClusterMessage;

/**
 * A message in a stream's outbound queue. Once its turn comes it is encoded, and a chunked message keeps
 * its encoded frame here between turns, with how much of it is written. Touched only by the stream's
 * event loop after it is queued.
 */
final class OutboundMessage {

    /** Bytes counted per message beyond its payload and names, for the envelope and queue entry. */
    private static final int OVERHEAD_BYTES = 32;

    final ClusterMessage message;
    /** What the message counts against the stream's outbound queue limit. */
    final long weight;

    /** {@code [length][MESSAGE][envelope]} once encoded; null before and after. */
    ByteBuf frame;
    /** The message id on the stream, once its first chunk is written. */
    int chunkId;
    /** Envelope bytes written so far. */
    int written;

    OutboundMessage(ClusterMessage message) {
        this.message = message;
        this.weight = (long) message.payload().length + message.subject().value().length()
                + message.sender().id().length() + OVERHEAD_BYTES;
    }

    boolean started() {
        return frame != null;
    }

    /** Frees the encoded frame, if any; safe to call more than once. */
    void release() {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }
}
