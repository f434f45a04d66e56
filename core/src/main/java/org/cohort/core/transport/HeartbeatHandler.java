package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat on its stream at a fixed interval and judges the peer's heartbeats with a
 * phi-accrual failure detector: a peer that falls silent (frozen, or cut off with its TCP stream left
 * half-open) has its stream closed, so that it shows INACTIVE and a fresh stream, with a fresh history,
 * forms when it answers again.
 *
 * <p>Heartbeats go straight to the channel, not through the stream's message queue, so that they never
 * wait behind queued bulk. A peer from which any bytes arrived within the acceptable pause is never
 * judged silent, whatever its heartbeats say.
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatHandler.class);
    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(Frames.LENGTH_BYTES + Frames.TYPE_BYTES)
                    .writeInt(Frames.TYPE_BYTES).writeByte(Frames.HEARTBEAT).asReadOnly());

    private final NodeId peer;
    private FailureDetectionSettings settings;
    private final TransportCounters counters;
    private final LongSupplier nanoClock;
    private PhiAccrualFailureDetector detector;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> ticker;
    private long lastReadNanos;

    HeartbeatHandler(NodeId peer, FailureDetectionSettings settings, TransportCounters counters,
            LongSupplier nanoClock) {
        this.peer = peer;
        this.settings = settings;
        this.counters = counters;
        this.nanoClock = nanoClock;
        this.detector = new PhiAccrualFailureDetector(settings);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long now = nanoClock.getAsLong();
        lastReadNanos = now;
        detector.heartbeat(now); // the hello just arrived: as good as a heartbeat
        context = ctx;
        startTicking();
    }

    private void startTicking() {
        long interval = settings.heartbeatInterval().toNanos();
        ChannelHandlerContext ctx = context;
        ticker = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * Heartbeats at the new interval and judges the peer by the new settings from now on, with a fresh
     * history (the old one was gathered at another interval). On the channel's event loop.
     */
    void reconfigure(FailureDetectionSettings next) {
        if (next.equals(settings) || context == null || ticker == null) {
            return;
        }
        settings = next;
        detector = new PhiAccrualFailureDetector(next);
        detector.heartbeat(nanoClock.getAsLong());
        stopTicking();
        startTicking();
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

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = nanoClock.getAsLong();
        lastReadNanos = now;
        ByteBuf frame = (ByteBuf) msg;
        if (frame.isReadable() && frame.getByte(frame.readerIndex()) == Frames.HEARTBEAT) {
            detector.heartbeat(now);
            frame.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void tick(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            stopTicking();
            return;
        }
        ctx.writeAndFlush(HEARTBEAT.duplicate(), ctx.voidPromise());
        long now = nanoClock.getAsLong();
        long silentNanos = now - lastReadNanos;
        if (!detector.isAvailable(now) && silentNanos > settings.acceptablePause().toNanos()) {
            counters.silentPeersClosed.increment();
            LOG.warn("No heartbeat from {} for {} ms (phi {}): closing its stream", peer,
                    TimeUnit.NANOSECONDS.toMillis(now - detector.lastHeartbeatNanos()),
                    String.format("%.1f", detector.phi(now)));
            stopTicking();
            ctx.close();
        }
    }
}
