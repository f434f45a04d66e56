package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.detection.SilenceVerdict;
import org.cohort.core.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the stream of a peer that fell silent (frozen, or cut off with its TCP stream left half-open),
 * so that it shows INACTIVE and a fresh stream, with a fresh history, forms when it answers again. The
 * peer's heartbeat frames end here; every frame counts as hearing from it. The judgement is the
 * {@link SilenceVerdict}'s, asked at each {@link HeartbeatTicker.Tick}.
 *
 * <p>A peer judged silent is judged once more after the event loop's next pass over its sockets before
 * its stream closes, so bytes that were waiting to be read when a late tick ran still count.
 */
final class SilentPeerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SilentPeerHandler.class);

    private final NodeId peer;
    private final FailureDetectionSettings initialSettings;
    private final TransportCounters counters;
    private final LongSupplier nanoClock;
    private final Runnable confirmSilence = this::confirmSilence;
    private SilenceVerdict verdict;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> confirmation;
    /** When the read under way began, or {@link #NOT_READING}. */
    private long readNanos = NOT_READING;
    private static final long NOT_READING = Long.MIN_VALUE;

    SilentPeerHandler(NodeId peer, FailureDetectionSettings settings, TransportCounters counters,
            LongSupplier nanoClock) {
        this.peer = peer;
        this.initialSettings = settings;
        this.counters = counters;
        this.nanoClock = nanoClock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        verdict = new SilenceVerdict(initialSettings, nanoClock.getAsLong()); // the hello just arrived
    }

    /** Judges the peer by the new settings from now on, with a fresh history. On the channel's event loop. */
    void reconfigure(FailureDetectionSettings next) {
        if (verdict == null || next.equals(verdict.settings())) {
            return;
        }
        verdict.restart(next, nanoClock.getAsLong());
        cancelConfirmation();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelConfirmation();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelConfirmation();
        ctx.fireChannelInactive();
    }

    private void cancelConfirmation() {
        if (confirmation != null) {
            confirmation.cancel(false);
            confirmation = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // One clock reading per read: its frames came off the socket together (a read of small messages
        // holds hundreds, and the clock was a twentieth of the reading thread's time).
        long now = readNanos;
        if (now == NOT_READING) {
            now = nanoClock.getAsLong();
            readNanos = now;
        }
        ByteBuf frame = (ByteBuf) msg;
        if (frame.isReadable() && frame.getByte(frame.readerIndex()) == Frames.HEARTBEAT) {
            verdict.heard(now, true);
            frame.release();
            return;
        }
        verdict.heard(now, false);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readNanos = NOT_READING;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof HeartbeatTicker.Tick tick)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        long stall = verdict.tickRan(tick.dueNanos(), tick.nowNanos());
        if (stall > 0) {
            counters.localStallsExcused.increment();
            LOG.debug("Event loop of the stream to {} stalled for {} ms; not counted as the peer's silence", peer,
                    TimeUnit.NANOSECONDS.toMillis(stall));
        }
        if (confirmation == null && verdict.isSilent(tick.nowNanos())) {
            // Judged again after the event loop's next pass over its sockets (a task scheduled now runs
            // after it): a late tick may run before the reads that were waiting for it.
            confirmation = ctx.executor().schedule(confirmSilence, 0, TimeUnit.NANOSECONDS);
        }
    }

    private void confirmSilence() {
        confirmation = null;
        ChannelHandlerContext ctx = context;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!verdict.isSilent(now)) {
            return;
        }
        counters.silentPeersClosed.increment();
        LOG.warn("No heartbeat from {} for {} ms (phi {}; {} ms of this node's own stalls not counted): "
                + "closing its stream", peer, TimeUnit.NANOSECONDS.toMillis(verdict.silenceNanos(now)),
                String.format("%.1f", verdict.phi(now)), TimeUnit.NANOSECONDS.toMillis(verdict.excusedNanos()));
        ctx.close();
    }
}
