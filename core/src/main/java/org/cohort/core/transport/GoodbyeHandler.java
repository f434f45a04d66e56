package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears a peer's {@link Frames#GOODBYE}: the peer is stopping on purpose, so its stream is marked
 * {@link #LEFT} and closed at once, and the stream table reports the peer as having left rather than
 * vanished (see {@link StreamTable#closed}). A goodbye of the wrong length is bad input, like any other
 * malformed frame; whatever arrives after a goodbye is dropped unread. Other frames pass on. One per
 * stream, after the silent-peer judge (a goodbye counts as hearing from the peer) and before reassembly
 * (a goodbye may arrive between the chunks of a message, which then never completes).
 */
final class GoodbyeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(GoodbyeHandler.class);

    /** Set on a stream whose peer said goodbye before it closed. */
    static final AttributeKey<Boolean> LEFT = AttributeKey.valueOf("cohort.left");

    private final NodeId peer;
    private boolean saidGoodbye;

    GoodbyeHandler(NodeId peer) {
        this.peer = peer;
    }

    /** A goodbye frame, length prefix included, for this node to write before it closes a stream. */
    static ByteBuf frame(ByteBufAllocator allocator, byte reason) {
        ByteBuf frame = Frames.start(allocator, Frames.GOODBYE, Frames.GOODBYE_BODY_BYTES);
        frame.writeByte(reason);
        Frames.finish(frame, 0);
        return frame;
    }

    /** Whether the peer of this channel said goodbye before the channel closed. */
    static boolean saidGoodbye(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(LEFT).get());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (saidGoodbye) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf frame) || !frame.isReadable()
                || frame.getByte(frame.readerIndex()) != Frames.GOODBYE) {
            ctx.fireChannelRead(msg);
            return;
        }
        int bodyBytes = frame.readableBytes() - Frames.TYPE_BYTES;
        byte reason = bodyBytes == Frames.GOODBYE_BODY_BYTES ? frame.getByte(frame.readerIndex() + 1) : 0;
        frame.release();
        if (bodyBytes != Frames.GOODBYE_BODY_BYTES) {
            throw new CorruptedFrameException("goodbye frame of " + bodyBytes + " body bytes, not "
                    + Frames.GOODBYE_BODY_BYTES);
        }
        saidGoodbye = true;
        ctx.channel().attr(LEFT).set(Boolean.TRUE);
        LOG.info("Node {} said goodbye ({}): it is leaving the cluster", peer,
                reason == Frames.GOODBYE_STOPPING ? "stopping" : "reason " + (reason & 0xff));
        ctx.close();
    }
}
