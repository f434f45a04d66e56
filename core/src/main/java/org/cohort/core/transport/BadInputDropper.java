package org.cohort.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Drops every frame of a stream closed for bad input. The frame decoder still cuts the frames it had
 * read behind the break; a peer that broke the protocol is not trusted with them, and each of them
 * decoding (and failing) again would cost an exception, a count and a log line apiece: a read of junk
 * would make thousands. Right behind the frame decoder.
 */
final class BadInputDropper extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(StreamErrorHandler.BAD_INPUT).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
