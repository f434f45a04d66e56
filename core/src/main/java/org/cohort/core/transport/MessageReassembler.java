package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.util.HashMap;
import java.util.Map;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.frame.Frames;

/**
 * Puts chunked messages back together: reads the envelope header from the first chunk of each
 * {@link Frames#MESSAGE_START}, allocates the payload array the handler will get, copies every chunk
 * straight into it, and passes the message on as a ClusterMessage once its declared length has arrived.
 * Other frames pass through untouched.
 *
 * <p>A peer cannot make it hold more than it may: a message counts with its full declared length from
 * its first chunk, which must fit {@code message.max.bytes} and, with every other partly received
 * message on the stream, {@code reassembly.max.bytes}. A chunked message must need chunks (over one
 * chunk long), its first chunk must hold its whole envelope header, and its chunks must not overrun it,
 * so the number of messages in progress is bounded too. Any violation fails the stream as bad input.
 * One instance per stream.
 */
final class MessageReassembler extends ChannelInboundHandlerAdapter {

    /** A message partly received: its payload array and how much of it has arrived. */
    private static final class Partial {
        final ClusterMessage message;
        final long envelopeBytes;
        int filled;

        Partial(ClusterMessage message, long envelopeBytes) {
            this.message = message;
            this.envelopeBytes = envelopeBytes;
        }
    }

    private final int maxMessageBytes;
    private final long maxHeldBytes;
    private final TransportCounters counters;
    private final EnvelopeReader envelopes;
    private final Map<Integer, Partial> partial = new HashMap<>();
    private long heldBytes;

    MessageReassembler(int maxMessageBytes, long maxHeldBytes, TransportCounters counters, EnvelopeReader envelopes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxHeldBytes = maxHeldBytes;
        this.counters = counters;
        this.envelopes = envelopes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte type = frame.isReadable() ? frame.getByte(frame.readerIndex()) : 0;
        if (type != Frames.MESSAGE_START && type != Frames.MESSAGE_PART && type != Frames.MESSAGE_END) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundMessage complete;
        try {
            frame.skipBytes(Frames.TYPE_BYTES);
            complete = type == Frames.MESSAGE_START ? start(frame) : part(frame, type == Frames.MESSAGE_END);
        } catch (DecoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DecoderException(e);
        } finally {
            frame.release();
        }
        if (complete != null) {
            counters.chunkedReceived.increment();
            ctx.fireChannelRead(complete);
        }
    }

    private InboundMessage start(ByteBuf frame) {
        need(frame, Frames.START_HEADER_BYTES, "message start");
        int id = frame.readInt();
        long length = frame.readUnsignedInt();
        if (length <= Frames.CHUNK_BYTES) {
            throw new CorruptedFrameException("chunked message of " + length + " bytes fits one frame");
        }
        if (length > maxMessageBytes) {
            throw new CorruptedFrameException("chunked message of " + length + " bytes exceeds message.max.bytes ("
                    + maxMessageBytes + ")");
        }
        if (heldBytes + length > maxHeldBytes) {
            throw new CorruptedFrameException("partly received messages would hold " + (heldBytes + length)
                    + " bytes, over reassembly.max.bytes (" + maxHeldBytes + ")");
        }
        if (partial.containsKey(id)) {
            throw new CorruptedFrameException("chunked message id " + id + " started twice");
        }
        if (!frame.isReadable()) {
            throw new CorruptedFrameException("empty chunk of message id " + id);
        }
        int headerStart = frame.readerIndex();
        int payloadBytes = envelopes.readHeader(frame);
        long headerBytes = frame.readerIndex() - headerStart;
        if (headerBytes + payloadBytes != length) {
            throw new CorruptedFrameException("chunked message id " + id + " declares " + length
                    + " bytes, its envelope " + (headerBytes + payloadBytes));
        }
        Partial message = new Partial(envelopes.message(new byte[payloadBytes]), length);
        partial.put(id, message);
        heldBytes += length;
        append(id, message, frame, false);
        return null;
    }

    private InboundMessage part(ByteBuf frame, boolean last) {
        need(frame, last ? Frames.END_HEADER_BYTES : Frames.PART_HEADER_BYTES, last ? "message end" : "message part");
        int id = frame.readInt();
        Partial message = partial.get(id);
        if (message == null) {
            throw new CorruptedFrameException("part of chunked message id " + id + ", which was not started");
        }
        long seq = last ? frame.readLong() : 0;
        int ttl = last ? frame.readInt() : 0;
        if (!frame.isReadable()) {
            throw new CorruptedFrameException("empty chunk of message id " + id);
        }
        append(id, message, frame, last);
        if (!last) {
            return null;
        }
        partial.remove(id);
        heldBytes -= message.envelopeBytes;
        return new InboundMessage(seq, ttl, message.message);
    }

    /** Appends a chunk; the last chunk must end the message exactly, and no other may. */
    private static void append(int id, Partial message, ByteBuf chunk, boolean last) {
        byte[] payload = message.message.payload();
        int left = payload.length - message.filled;
        int bytes = chunk.readableBytes();
        if (last ? bytes != left : bytes >= left) {
            throw new CorruptedFrameException("chunk of " + bytes + " bytes " + (last ? "ends" : "overruns or ends")
                    + " message id " + id + " with " + left + " bytes left");
        }
        chunk.readBytes(payload, message.filled, bytes);
        message.filled += bytes;
    }

    private static void need(ByteBuf frame, int bytes, String what) {
        if (frame.readableBytes() < bytes) {
            throw new CorruptedFrameException(what + " frame of " + frame.readableBytes() + " bytes is too short");
        }
    }

    /** Bytes of partly received messages held now. */
    long heldBytes() {
        return heldBytes;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        partial.clear();
        heldBytes = 0;
    }
}
