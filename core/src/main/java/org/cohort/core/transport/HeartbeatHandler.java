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
 *
 * <p>A peer is not blamed for this node's own stalls. The tick knows when it was due; when it runs
 * later than that by more than half an interval, the event loop was kept from running (a GC or JIT
 * storm, a starved host, a long burst of other work) and could not have read the peer meanwhile, so
 * the stall beyond that half interval does not count as the peer's silence (see
 * {@link PhiAccrualFailureDetector#localStall}). Jitter under half an interval is never excused, so a
 * frozen peer is judged exactly as before while this node runs on time. And a peer judged silent is
 * judged once more after the event loop's next pass over its sockets before its stream closes, so
 * bytes that were waiting to be read when a late tick ran still count.
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
    private final Runnable tick = this::tick;
    private final Runnable confirmSilence = this::confirmSilence;
    private PhiAccrualFailureDetector detector;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> ticker;
    /** When the pending tick is due, on {@link #nanoClock}. */
    private long tickDueNanos;
    private long lastReadNanos;
    /** This node's stalls excused since the peer was last heard, for the log line when it is judged silent. */
    private long excusedNanos;

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
        scheduleTick(now);
    }

    /**
     * One tick at a time, each scheduled when the last one ran (not at a fixed rate: after a stall, a
     * fixed rate would fire every missed tick at once, a burst of heartbeats the peer would read as
     * intervals of zero).
     */
    private void scheduleTick(long now) {
        long interval = settings.heartbeatInterval().toNanos();
        tickDueNanos = now + interval;
        ticker = context.executor().schedule(tick, interval, TimeUnit.NANOSECONDS);
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
        long now = nanoClock.getAsLong();
        detector = new PhiAccrualFailureDetector(next);
        detector.heartbeat(now);
        excusedNanos = 0;
        stopTicking();
        scheduleTick(now);
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
            excusedNanos = 0;
            frame.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void tick() {
        ticker = null;
        ChannelHandlerContext ctx = context;
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(HEARTBEAT.duplicate(), ctx.voidPromise());
        long now = nanoClock.getAsLong();
        excuseLateness(now);
        if (isSilent(now)) {
            // Judged again after the event loop's next pass over its sockets (a task scheduled now runs
            // after it): a late tick may run before the reads that were waiting for it.
            ticker = ctx.executor().schedule(confirmSilence, 0, TimeUnit.NANOSECONDS);
        } else {
            scheduleTick(now);
        }
    }

    /** Excuses the peer the part of this tick's lateness beyond half an interval: this node's stall. */
    private void excuseLateness(long now) {
        long stallStart = tickDueNanos + settings.heartbeatInterval().toNanos() / 2;
        long stall = now - stallStart;
        if (stall <= 0) {
            return;
        }
        counters.localStallsExcused.increment();
        if (detector.lastHeartbeatNanos() - stallStart < 0) {
            detector.localStall(stallStart, now);
            excusedNanos += stall;
        }
        if (lastReadNanos - stallStart < 0) {
            lastReadNanos += stall; // still before now: it was before the stall began
        }
        LOG.debug("Event loop of the stream to {} stalled for {} ms; not counted as the peer's silence", peer,
                TimeUnit.NANOSECONDS.toMillis(stall));
    }

    private boolean isSilent(long now) {
        return !detector.isAvailable(now) && now - lastReadNanos > settings.acceptablePause().toNanos();
    }

    private void confirmSilence() {
        ticker = null;
        ChannelHandlerContext ctx = context;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!isSilent(now)) {
            scheduleTick(now);
            return;
        }
        counters.silentPeersClosed.increment();
        LOG.warn("No heartbeat from {} for {} ms (phi {}; {} ms of this node's own stalls not counted): "
                + "closing its stream", peer,
                TimeUnit.NANOSECONDS.toMillis(now - detector.lastHeartbeatNanos() + excusedNanos),
                String.format("%.1f", detector.phi(now)), TimeUnit.NANOSECONDS.toMillis(excusedNanos));
        ctx.close();
    }
}
