package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes a stream reads and writes, framing included, at the head of its pipeline. */
final class PeerByteCounter extends ChannelDuplexHandler {

    private final PeerCounters counters;

    PeerByteCounter(PeerCounters counters) {
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            counters.bytesIn.add(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            counters.bytesOut.add(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
