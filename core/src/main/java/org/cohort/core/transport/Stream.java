package org.cohort.core.transport;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessagingException;
import org.cohort.core.handshake.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live stream to one peer: its channel, and the {@link PeerSession} it carries while it lives.
 *
 * <p>Senders on any thread offer to the session; the channel's event loop drains it, writing everything
 * due and flushing once, so a burst costs one syscall rather than one per message; the burst's frames are
 * batched into a few pooled buffers (see {@link MessageFramer}). The session's queue takes subjects in
 * turn, a message or a chunk of a large one per turn (see {@link SubjectFairQueue}), so bulk on one
 * subject does not hold up another. Draining stops while the channel is not writable (the peer is slow),
 * and resumes when it is again; one drain writes at most {@link #DRAIN_BUDGET_BYTES}, then yields.
 */
final class Stream {

    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    /**
     * What one drain writes at most before it hands the event loop back (to its reads, its heartbeats
     * and its other streams) and goes on in a task of its own: up to the write buffer's megabyte at a
     * time, a backlog sent again after a partition held the loop, and the peer heard nothing (the drain
     * flushes at its end), for as long as it took to encode.
     */
    static final int DRAIN_BUDGET_BYTES = 256 * 1024;

    private final Channel channel;
    private final NodeId peer;
    private final long incarnation;
    private final Direction direction;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;
    private final MessageFramer framer;
    private final PeerSession session;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    Stream(Channel channel, NodeId peer, long incarnation, Direction direction, MessageFramer framer,
            TransportCounters counters, PeerCounters peerCounters, PeerSession session) {
        this.channel = channel;
        this.peer = peer;
        this.incarnation = incarnation;
        this.direction = direction;
        this.counters = counters;
        this.peerCounters = peerCounters;
        this.framer = framer;
        this.session = session;
    }

    PeerCounters peerCounters() {
        return peerCounters;
    }

    Channel channel() {
        return channel;
    }

    NodeId peer() {
        return peer;
    }

    long incarnation() {
        return incarnation;
    }

    Direction direction() {
        return direction;
    }

    PeerSession session() {
        return session;
    }

    /** Asks the event loop to drain, once however many senders ask. */
    void scheduleDrain() {
        // Read first: while a drain is pending (a sender's burst), every further message would otherwise
        // pay a compare-and-set that fails, taking the line from the event loop's core each time.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        session.drain(this);
    }

    /**
     * Writes (without flushing) messages while the channel is writable and the drain's budget lasts: first what a closed stream left
     * unacknowledged, then the queue, subject by subject. Called by the session, under its lock.
     *
     * @return whether anything was written
     */
    boolean writeMessages(SessionOutbox outbox) {
        int finished = 0;
        boolean wrote = false;
        framer.startBatch(outbox.queuedBytes + outbox.resendBytes);
        long floor = Math.max(0, channel.bytesBeforeUnwritable() - DRAIN_BUDGET_BYTES);
        OutboundMessage resend;
        while (channel.bytesBeforeUnwritable() > floor && (resend = outbox.toResend.peekFirst()) != null) {
            MessageFramer.Turn turn = framer.writeTurn(channel, resend, outbox);
            if (turn == MessageFramer.Turn.DEFERRED) {
                break;
            }
            wrote = true;
            if (turn == MessageFramer.Turn.FINISHED) {
                outbox.toResend.pollFirst();
                peerCounters.resent(resend.subject);
            }
        }
        Function<OutboundMessage, MessageFramer.Turn> writeTurn = message -> {
            if (!message.started()) {
                MessageFramer.Turn verdict = outbox.firstTurn(message);
                if (verdict != null) {
                    return verdict;
                }
            }
            MessageFramer.Turn turn;
            try {
                turn = framer.writeTurn(channel, message, outbox);
            } catch (RuntimeException e) {
                outbox.dropped(message);
                message.fail(new MessagingException("the message could not be encoded: " + e));
                throw e;
            }
            if (turn == MessageFramer.Turn.FINISHED) {
                message.written();
            }
            return turn;
        };
        // Ends: every turn that does not write is followed, within one round of subjects, by one that
        // does (a message is deferred only while another one's chunks are in flight; a subject without
        // credit leaves the ring), and writing ends when the channel stops being writable or the ring is
        // empty.
        while (outbox.toResend.isEmpty() && channel.bytesBeforeUnwritable() > floor) {
            MessageFramer.Turn turn;
            try {
                turn = outbox.queue.takeTurn(writeTurn);
            } catch (RuntimeException e) {
                // The message could not be encoded: the sender's bug, not the stream's; it is dropped.
                counters.sendFailedEncoding.increment();
                LOG.warn("Dropped a message to {} that could not be encoded: {}", peer, e.toString());
                continue;
            }
            if (turn == null) {
                break;
            }
            if (turn == MessageFramer.Turn.FINISHED) {
                finished++;
            }
            wrote |= turn == MessageFramer.Turn.FINISHED || turn == MessageFramer.Turn.UNFINISHED;
        }
        if (finished > 0) {
            counters.sent.add(finished);
            peerCounters.messagesOut.add(finished);
        }
        framer.finishBatch(channel);
        if (wrote) {
            counters.flushes.increment();
        }
        if (channel.isWritable() && channel.bytesBeforeUnwritable() <= floor) {
            scheduleDrain(); // the budget ran out, not the channel's room: the rest in a task of its own
        }
        return wrote;
    }

    @Override
    public String toString() {
        return "stream to " + peer + " (" + direction.name().toLowerCase() + ", incarnation " + incarnation + ", "
                + channel.localAddress() + " -> " + channel.remoteAddress() + ")";
    }
}
