package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.envelope.EnvelopeWriter;
import org.cohort.core.frame.Frames;

/**
 * Writes a stream's outbound messages as frames, one turn at a time. A message whose envelope fits in
 * one chunk is one {@link Frames#MESSAGE} frame; a larger one is a {@link Frames#MESSAGE_START} and then
 * {@link Frames#MESSAGE_PART} frames, one chunk per turn, so that the stream's other subjects and its
 * heartbeats get the wire between them.
 *
 * <p>A drain's frames go into one pooled batch buffer (up to {@link #BATCH_BYTES}, a new one when it is
 * full), written to the channel as one message, rather than one buffer and one {@code channel.write}
 * per message. A small message is copied into the batch behind its envelope header, its only copy on
 * the way out. A chunk's frame header (and, for the first chunk, the envelope header) goes into the
 * batch too, and its payload bytes follow as a slice of the caller's array: a large message is never
 * copied into an encoding buffer of its own size. The sender never has more chunked bytes in flight
 * than the peer may hold in reassembly ({@code reassembly.max.bytes}, the same on every member): a
 * message that would exceed it waits for its turn to come round again.
 *
 * <p>Confined to the stream's event loop. A drain ends with {@link #finishBatch}.
 */
final class MessageFramer {

    /** What one turn did with the message at the head of its subject. */
    enum Turn {
        /** The message is written completely. */
        FINISHED,
        /** A chunk is written; more remain. */
        UNFINISHED,
        /** Nothing is written: the message must wait for chunked bytes in flight to drain. */
        DEFERRED,
        /** Nothing is written: its subject has no credit; the subject waits until the peer gives some. */
        BLOCKED,
        /** Nothing is written and the message leaves the queue (its deadline passed; its sender is told). */
        DROPPED
    }

    /** The size of a batch buffer, unless the drain has less queued or one frame needs more. */
    static final int BATCH_BYTES = 64 * 1024;
    /** The smallest batch buffer worth allocating. */
    private static final int MIN_BATCH_BYTES = 256;
    private static final int HEADER_BYTES = Frames.LENGTH_BYTES + Frames.TYPE_BYTES;

    /** This node's id: the sender an envelope names unless its message was given naming another. */
    private final NodeId localId;
    private final long maxChunkedInFlight;
    private final TransportCounters counters;
    private final EnvelopeWriter envelopes = new EnvelopeWriter();
    private long chunkedInFlight;
    private int nextChunkId;
    /** The frames of this drain not yet written to the channel; null when there are none. */
    private ByteBuf batch;
    private int batchHint = BATCH_BYTES;

    MessageFramer(NodeId localId, long maxChunkedInFlight, TransportCounters counters) {
        this.localId = localId;
        this.maxChunkedInFlight = maxChunkedInFlight;
        this.counters = counters;
    }

    /** Sizes this drain's batch buffers for about {@code queuedBytes}, at most {@link #BATCH_BYTES}. */
    void startBatch(long queuedBytes) {
        batchHint = (int) Math.max(MIN_BATCH_BYTES, Math.min(BATCH_BYTES, queuedBytes));
    }

    /**
     * Numbers a message as its completing frame is written, so that sequence numbers follow the order in
     * which messages complete on the wire, and gives its time to live at that moment.
     */
    interface Numbering {
        /** The message's sequence number: a new one, or the one it had when it is sent again. */
        long seq(OutboundMessage message);

        /** Its time to live in ms now: 0 for none, {@link Frames#EXPIRED} if its deadline passed. */
        int ttlMillis(OutboundMessage message);
    }

    /** Writes (without flushing) the whole message, its next chunk, or nothing. */
    Turn writeTurn(Channel channel, OutboundMessage out, Numbering numbering) {
        if (!out.started()) {
            NodeId sender = out.sender(localId);
            int headerBytes = envelopes.headerBytes(sender, out.subject, out.kind);
            int envelopeBytes = headerBytes + out.payload.length;
            if (envelopeBytes <= Frames.CHUNK_BYTES) {
                ByteBuf frames = room(channel, HEADER_BYTES + Frames.DELIVERY_HEADER_BYTES + envelopeBytes);
                int start = frames.writerIndex();
                try {
                    frames.writeInt(Frames.TYPE_BYTES + Frames.DELIVERY_HEADER_BYTES + envelopeBytes);
                    frames.writeByte(Frames.MESSAGE);
                    frames.writerIndex(frames.writerIndex() + Frames.DELIVERY_HEADER_BYTES);
                    envelopes.writeHeader(sender, out.subject, out.kind, out.requestId(), out.status(),
                            out.payload.length, frames);
                    frames.writeBytes(out.payload);
                } catch (RuntimeException e) {
                    frames.writerIndex(start); // no half frame on the wire
                    throw e;
                }
                // Numbered only once nothing can fail: a number is never skipped.
                int delivery = start + HEADER_BYTES;
                frames.setLong(delivery, numbering.seq(out));
                frames.setInt(delivery + 8, numbering.ttlMillis(out));
                return Turn.FINISHED;
            }
            if (chunkedInFlight + envelopeBytes > maxChunkedInFlight) {
                return Turn.DEFERRED;
            }
            out.start(nextChunkId++, headerBytes, envelopeBytes);
            chunkedInFlight += envelopeBytes;
            counters.chunkedSent.increment();
        }
        return writeChunk(channel, out, numbering);
    }

    /**
     * One chunk: its frame header (and the envelope header, in the first; the delivery header, in the
     * last) in the batch, then the batch, then the chunk's payload bytes as a slice of the message's array.
     */
    private Turn writeChunk(Channel channel, OutboundMessage out, Numbering numbering) {
        OutboundMessage.Chunks chunks = out.chunks;
        int length = Math.min(Frames.CHUNK_BYTES, chunks.envelopeBytes - chunks.written);
        boolean first = chunks.written == 0;
        boolean last = chunks.written + length == chunks.envelopeBytes;
        int inlineBytes = first ? chunks.headerBytes : 0; // the envelope header never spans chunks
        int headerBytes = first ? Frames.START_HEADER_BYTES : last ? Frames.END_HEADER_BYTES : Frames.PART_HEADER_BYTES;
        // The header is written right away, behind what the batch holds or in a buffer of its own size:
        // not in a batch-sized one that the chunk's payload would follow out half empty.
        ByteBuf frames = room(channel, HEADER_BYTES + headerBytes + inlineBytes, 0);
        frames.writeInt(Frames.TYPE_BYTES + headerBytes + length);
        frames.writeByte(first ? Frames.MESSAGE_START : last ? Frames.MESSAGE_END : Frames.MESSAGE_PART);
        frames.writeInt(chunks.chunkId);
        if (first) {
            frames.writeInt(chunks.envelopeBytes);
            envelopes.writeHeader(out.sender(localId), out.subject, out.kind, out.requestId(), out.status(),
                    out.payload.length, frames);
        } else if (last) {
            frames.writeLong(numbering.seq(out));
            frames.writeInt(numbering.ttlMillis(out));
        }
        writeBatch(channel);
        int payloadOffset = chunks.written + inlineBytes - chunks.headerBytes;
        channel.write(chunks.payload().retainedSlice(payloadOffset, length - inlineBytes), channel.voidPromise());
        chunks.written += length;
        if (!last) {
            return Turn.UNFINISHED;
        }
        chunkedInFlight -= chunks.envelopeBytes;
        out.release();
        return Turn.FINISHED;
    }

    /** The batch, with room for {@code bytes} more; the full one is written first. */
    private ByteBuf room(Channel channel, int bytes) {
        return room(channel, bytes, batchHint);
    }

    /** The batch, with room for {@code bytes} more; a new one holds at least {@code newBatchBytes}. */
    private ByteBuf room(Channel channel, int bytes, int newBatchBytes) {
        if (batch != null && batch.writableBytes() < bytes) {
            writeBatch(channel);
        }
        if (batch == null) {
            batch = channel.alloc().ioBuffer(Math.max(bytes, newBatchBytes));
        }
        return batch;
    }

    private void writeBatch(Channel channel) {
        ByteBuf frames = batch;
        batch = null;
        if (frames == null) {
            return;
        }
        if (frames.isReadable()) {
            channel.write(frames, channel.voidPromise());
        } else {
            frames.release();
        }
    }

    /** Writes (without flushing) the frames this drain has batched; call at the end of every drain. */
    void finishBatch(Channel channel) {
        writeBatch(channel);
    }

    /** Frees a message this stream will not finish (the stream is gone; it may start again on another). */
    void discard(OutboundMessage out) {
        if (out.started()) {
            chunkedInFlight -= out.chunks.envelopeBytes;
            out.restart();
        }
    }
}
