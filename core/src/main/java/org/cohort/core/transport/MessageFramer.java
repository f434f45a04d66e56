package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.frame.Frames;

/**
 * Writes a stream's outbound messages as frames, one turn at a time. A message whose envelope fits in
 * one chunk is one {@link Frames#MESSAGE} frame; a larger one is a {@link Frames#MESSAGE_START} and then
 * {@link Frames#MESSAGE_PART} frames, one chunk per turn, so that the stream's other subjects and its
 * heartbeats get the wire between them.
 *
 * <p>The envelope is encoded once, straight into a pooled buffer; chunks are slices of it behind a small
 * header, so the payload is copied once on its way out whatever its size. The sender never has more
 * chunked bytes in flight than the peer may hold in reassembly ({@code reassembly.max.bytes}, the same
 * on every member): a message that would exceed it waits for its turn to come round again.
 *
 * <p>Confined to the stream's event loop.
 */
final class MessageFramer {

    /** What one turn did with the message at the head of its subject. */
    enum Turn {
        /** The message is written completely. */
        FINISHED,
        /** A chunk is written; more remain. */
        UNFINISHED,
        /** Nothing is written: the message must wait for chunked bytes in flight to drain. */
        DEFERRED
    }

    private static final int HEADER_BYTES = Frames.LENGTH_BYTES + Frames.TYPE_BYTES;

    private final SerializationService serialization;
    private final long maxChunkedInFlight;
    private final TransportCounters counters;
    private long chunkedInFlight;
    private int nextChunkId;

    MessageFramer(SerializationService serialization, long maxChunkedInFlight, TransportCounters counters) {
        this.serialization = serialization;
        this.maxChunkedInFlight = maxChunkedInFlight;
        this.counters = counters;
    }

    /** Writes (without flushing) the whole message, its next chunk, or nothing. */
    Turn writeTurn(Channel channel, OutboundMessage out) {
        if (!out.started()) {
            int bound = serialization.maxEncodedLength(out.message);
            // The bound is at least the envelope, and the largest message fits maxChunkedInFlight, so
            // with nothing in flight every message may start: a deferred message never waits forever.
            if (bound > Frames.CHUNK_BYTES && chunkedInFlight + bound > maxChunkedInFlight) {
                return Turn.DEFERRED;
            }
            out.frame = encode(channel, out, bound);
            int envelopeBytes = out.frame.readableBytes() - HEADER_BYTES;
            if (envelopeBytes <= Frames.CHUNK_BYTES) {
                ByteBuf frame = out.frame;
                out.frame = null;
                channel.write(frame, channel.voidPromise());
                return Turn.FINISHED;
            }
            out.chunkId = nextChunkId++;
            chunkedInFlight += envelopeBytes;
            counters.chunkedSent.increment();
        }
        return writeChunk(channel, out);
    }

    private ByteBuf encode(Channel channel, OutboundMessage out, int bound) {
        ByteBuf frame = channel.alloc().ioBuffer(HEADER_BYTES + bound);
        try {
            frame.writeInt(0);
            frame.writeByte(Frames.MESSAGE);
            ByteBuffer body = frame.nioBuffer(frame.writerIndex(), frame.writableBytes());
            serialization.encode(out.message, body);
            frame.writerIndex(frame.writerIndex() + body.position());
            Frames.finish(frame, 0);
            return frame;
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    private Turn writeChunk(Channel channel, OutboundMessage out) {
        int envelopeBytes = out.frame.readableBytes() - HEADER_BYTES;
        int length = Math.min(Frames.CHUNK_BYTES, envelopeBytes - out.written);
        boolean first = out.written == 0;
        int headerBytes = first ? Frames.START_HEADER_BYTES : Frames.PART_HEADER_BYTES;
        ByteBuf header = channel.alloc().ioBuffer(HEADER_BYTES + headerBytes);
        header.writeInt(Frames.TYPE_BYTES + headerBytes + length);
        header.writeByte(first ? Frames.MESSAGE_START : Frames.MESSAGE_PART);
        header.writeInt(out.chunkId);
        if (first) {
            header.writeInt(envelopeBytes);
        }
        channel.write(header, channel.voidPromise());
        channel.write(out.frame.retainedSlice(HEADER_BYTES + out.written, length), channel.voidPromise());
        out.written += length;
        if (out.written < envelopeBytes) {
            return Turn.UNFINISHED;
        }
        chunkedInFlight -= envelopeBytes;
        out.release();
        return Turn.FINISHED;
    }

    /** Frees a message that will not be written (its stream is gone). */
    void discard(OutboundMessage out) {
        if (out.started()) {
            chunkedInFlight -= out.frame.readableBytes() - HEADER_BYTES;
            out.release();
        }
    }
}
