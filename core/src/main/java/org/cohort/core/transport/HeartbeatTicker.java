package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cohort.core.frame.Frames;

/**
 * Sends a heartbeat on its stream at a fixed interval and tells the handlers after it that it did, with
 * a {@link Tick} event saying when the tick was due and when it ran; it decides nothing (like Netty's
 * {@code IdleStateHandler}: {@link SilentPeerHandler} judges the peer).
 *
 * <p>Heartbeats go straight to the channel, not through the stream's message queue, so that they never
 * wait behind queued bulk. One tick at a time, each scheduled when the last one ran (not at a fixed
 * rate: after a stall, a fixed rate would fire every missed tick at once, a burst of heartbeats the peer
 * would read as intervals of zero). Ticks run on the channel's event loop, time is read from the node's
 * clock.
 */
final class HeartbeatTicker extends ChannelInboundHandlerAdapter {

    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(Frames.LENGTH_BYTES + Frames.TYPE_BYTES)
                    .writeInt(Frames.TYPE_BYTES).writeByte(Frames.HEARTBEAT).asReadOnly());

    /**
     * A heartbeat went out.
     *
     * @param dueNanos when the tick was due, on the node's clock
     * @param nowNanos when it ran (after the heartbeat was written)
     */
    record Tick(long dueNanos, long nowNanos) {
    }

    private final LongSupplier nanoClock;
    private final Runnable tick = this::tick;
    private long intervalNanos;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> ticker;
    /** When the pending tick is due, on {@link #nanoClock}. */
    private long tickDueNanos;

    HeartbeatTicker(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        scheduleTick(nanoClock.getAsLong());
    }

    private void scheduleTick(long now) {
        tickDueNanos = now + intervalNanos;
        ticker = context.executor().schedule(tick, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Ticks at the new interval from now on. On the channel's event loop. */
    void reconfigure(Duration interval) {
        if (interval.toNanos() == intervalNanos || context == null || ticker == null) {
            return;
        }
        intervalNanos = interval.toNanos();
        stopTicking();
        scheduleTick(nanoClock.getAsLong());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTicking();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTicking();
        ctx.fireChannelInactive();
    }

    private void stopTicking() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    private void tick() {
        ticker = null;
        ChannelHandlerContext ctx = context;
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(HEARTBEAT.duplicate(), ctx.voidPromise());
        long due = tickDueNanos;
        long now = nanoClock.getAsLong();
        scheduleTick(now);
        ctx.fireUserEventTriggered(new Tick(due, now));
    }
}
