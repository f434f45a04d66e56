package org.cohort.core.transport;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.cohort.core.frame.Frames;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.Scheduling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this node leaves when its cluster I/O stops on purpose, all within one deadline
 * ({@code leave.timeout.ms}), once the connection manager has stopped accepting sends and new streams:
 *
 * <ol>
 *   <li>{@link #drainQueued}: what is queued goes out and is acknowledged (the session layer's step);
 *   <li>{@link #sayGoodbye}: a {@link Frames#GOODBYE} on every live stream, flushed;
 *   <li>{@link #awaitPeersClosing}: each peer closes its side on reading the goodbye, and so learns at once
 *       that this node left rather than failed; waiting for that, rather than closing first, keeps our
 *       close from resetting a connection whose goodbye the peer has not read yet;
 *   <li>{@link #closeTheRest}: what is still open at the deadline is closed.
 * </ol>
 *
 * Runs on the thread that stops the connection manager (never an IO worker: it waits).
 */
final class GracefulLeave {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulLeave.class);

    private final List<Stream> streams;
    private final List<PeerSession> sessions;
    private final NodeClock clock;
    private final Scheduling scheduling;
    private final long deadlineNanos;

    GracefulLeave(Collection<Stream> streams, Collection<PeerSession> sessions, Duration timeout, NodeClock clock,
            Scheduling scheduling) {
        this.streams = List.copyOf(streams);
        this.sessions = List.copyOf(sessions);
        this.clock = clock;
        this.scheduling = scheduling;
        this.deadlineNanos = clock.nanoTime() + timeout.toNanos();
    }

    /** Leaves: drain, goodbye, wait for the peers to close, close the rest. */
    void run() {
        if (streams.isEmpty()) {
            return;
        }
        drainQueued();
        sayGoodbye();
        int open = awaitPeersClosing();
        closeTheRest();
        if (open > 0) {
            LOG.info("Left the cluster: {} of {} peers had not closed their streams within the leave timeout",
                    open, streams.size());
        } else {
            LOG.debug("Left the cluster: {} peers told", streams.size());
        }
    }

    /**
     * Waits until every session with a stream has sent what it holds and had it acknowledged, until the
     * deadline; sends are refused already. What is left at the deadline fails back as the node stops.
     */
    void drainQueued() {
        int undrained = 0;
        for (PeerSession session : sessions) {
            if (session.attachedToStream() && !scheduling.await(session.whenIdle(), remainingNanos())) {
                undrained++;
            }
        }
        if (undrained > 0) {
            LOG.info("Leaving with messages to {} peers not acknowledged within the leave timeout: they fail back",
                    undrained);
        }
    }

    private void sayGoodbye() {
        for (Stream stream : streams) {
            Channel channel = stream.channel();
            channel.writeAndFlush(GoodbyeHandler.frame(channel.alloc(), Frames.GOODBYE_STOPPING));
        }
    }

    /** Waits for the peers to close their streams, until the deadline; returns how many did not. */
    private int awaitPeersClosing() {
        int open = 0;
        for (Stream stream : streams) {
            long remaining = remainingNanos();
            if (!scheduling.await(stream.channel().closeFuture(), remaining)) {
                open++;
            }
        }
        return open;
    }

    private void closeTheRest() {
        for (Stream stream : streams) {
            scheduling.await(stream.channel().close());
        }
    }

    /** Nanoseconds left until the leave's deadline; zero or less once it passed. */
    long remainingNanos() {
        return deadlineNanos - clock.nanoTime();
    }
}
