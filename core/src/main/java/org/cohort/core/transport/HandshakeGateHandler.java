package org.cohort.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of an accepted stream: asks the {@link HandshakeGate} whether the source may hold
 * one more unauthenticated stream, closes it at once if not (counted, logged at most once a minute),
 * and tells the gate how the handshake ended.
 */
final class HandshakeGateHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGateHandler.class);

    private final HandshakeGate gate;
    private final TransportCounters counters;
    private final LogThrottle warnings;
    private final LongSupplier nanoClock;
    private InetAddress source;
    private boolean pending;

    HandshakeGateHandler(HandshakeGate gate, TransportCounters counters, LogThrottle warnings,
            LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.gate = gate;
        this.counters = counters;
        this.warnings = warnings;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        long now = nanoClock.getAsLong();
        HandshakeGate.Verdict verdict = gate.opened(source, now);
        if (!verdict.admitted()) {
            counters.connectionRefused(verdict.key());
            long held = warnings.tryAcquire(now);
            if (held != LogThrottle.SUPPRESSED) {
                LOG.warn("Refusing connections from {} ({}){}", source.getHostAddress(), describe(verdict, now),
                        held > 0 ? "; " + held + " such refusals not logged since the last line" : "");
            }
            ctx.close();
            return;
        }
        pending = verdict == HandshakeGate.Verdict.PENDING;
        ctx.fireChannelActive();
    }

    private String describe(HandshakeGate.Verdict verdict, long now) {
        return switch (verdict) {
            case THROTTLED -> "its handshakes keep failing; turned away for another "
                    + TimeUnit.NANOSECONDS.toMillis(gate.throttledNanos(source, now)) + " ms";
            case REFUSED_PER_SOURCE -> HandshakeGate.MAX_PENDING_PER_SOURCE
                    + " of its connections are already in their handshake";
            case REFUSED_TOTAL -> HandshakeGate.MAX_PENDING + " connections are already in their handshake";
            default -> verdict.name();
        };
    }

    /** The handshake completed: the stream is a member's; called on the channel's event loop. */
    void completed() {
        end(true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(false);
        ctx.fireChannelInactive();
    }

    private void end(boolean completed) {
        if (!pending) {
            return;
        }
        pending = false;
        if (gate.ended(source, completed, nanoClock.getAsLong())) {
            counters.sourcesThrottled.increment();
        }
    }
}
