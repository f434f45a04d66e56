package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.HashMap;
import java.util.Map;
import org.cohort.core.frame.Frames;

/**
 * Puts chunked messages back together: collects the chunks of each {@link Frames#MESSAGE_START} and
 * passes the whole message on as one {@link Frames#MESSAGE} frame once its declared length has arrived.
 * Other frames pass through untouched.
 *
 * <p>A peer cannot make it hold more than it may: a message counts with its full declared length from
 * its first chunk, which must fit {@code message.max.bytes} and, with every other partly received
 * message on the stream, {@code reassembly.max.bytes}. A chunked message must need chunks (over one
 * chunk long), and its chunks must not overrun it, so the number of messages in progress is bounded too.
 * Any violation fails the stream as bad input. One instance per stream.
 */
final class MessageReassembler extends ChannelInboundHandlerAdapter {

    private final int maxMessageBytes;
    private final long maxHeldBytes;
    private final TransportCounters counters;
    private final Map<Integer, ByteBuf> partial = new HashMap<>();
    private long heldBytes;

    MessageReassembler(int maxMessageBytes, long maxHeldBytes, TransportCounters counters) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxHeldBytes = maxHeldBytes;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte type = frame.isReadable() ? frame.getByte(frame.readerIndex()) : 0;
        if (type != Frames.MESSAGE_START && type != Frames.MESSAGE_PART) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf complete;
        try {
            frame.skipBytes(Frames.TYPE_BYTES);
            complete = type == Frames.MESSAGE_START ? start(ctx, frame) : part(frame);
        } finally {
            frame.release();
        }
        if (complete != null) {
            counters.chunkedReceived.increment();
            ctx.fireChannelRead(complete);
        }
    }

    private ByteBuf start(ChannelHandlerContext ctx, ByteBuf frame) {
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
        int capacity = Frames.TYPE_BYTES + (int) length;
        ByteBuf message = ctx.alloc().buffer(capacity, capacity);
        message.writeByte(Frames.MESSAGE);
        partial.put(id, message);
        heldBytes += length;
        return append(id, message, frame);
    }

    private ByteBuf part(ByteBuf frame) {
        need(frame, Frames.PART_HEADER_BYTES, "message part");
        int id = frame.readInt();
        ByteBuf message = partial.get(id);
        if (message == null) {
            throw new CorruptedFrameException("part of chunked message id " + id + ", which was not started");
        }
        return append(id, message, frame);
    }

    private ByteBuf append(int id, ByteBuf message, ByteBuf chunk) {
        if (!chunk.isReadable()) {
            throw new CorruptedFrameException("empty chunk of message id " + id);
        }
        if (chunk.readableBytes() > message.writableBytes()) {
            throw new CorruptedFrameException("chunk of " + chunk.readableBytes() + " bytes overruns message id "
                    + id + " (" + message.writableBytes() + " bytes left)");
        }
        message.writeBytes(chunk);
        if (message.isWritable()) {
            return null;
        }
        partial.remove(id);
        heldBytes -= message.readableBytes() - Frames.TYPE_BYTES;
        return message;
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
        partial.values().forEach(ByteBuf::release);
        partial.clear();
        heldBytes = 0;
    }
}
