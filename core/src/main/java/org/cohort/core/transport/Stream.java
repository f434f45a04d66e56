package org.cohort.core.transport;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.handshake.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live stream to one peer: its channel and its bounded outbound queue.
 *
 * <p>Senders on any thread add to the queue; the channel's event loop drains it, writing everything
 * queued and flushing once, so a burst costs one syscall rather than one per message; the burst's frames
 * are batched into a few pooled buffers (see {@link MessageFramer}). The queue takes
 * subjects in turn, a message or a chunk of a large one per turn (see {@link SubjectFairQueue} and
 * {@link MessageFramer}), so bulk on one subject does not hold up another. It is
 * bounded in bytes; beyond it, sends are refused rather than buffered without end. Draining stops
 * while the channel is not writable (the peer is slow), and resumes when it is again.
 */
final class Stream {

    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);

    private final Channel channel;
    private final NodeId peer;
    private final long incarnation;
    private final Direction direction;
    private volatile long maxQueuedBytes;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;
    private final MessageFramer framer;
    private final SubjectFairQueue queue = new SubjectFairQueue();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final Function<OutboundMessage, MessageFramer.Turn> writeTurn;

    Stream(Channel channel, NodeId peer, long incarnation, Direction direction, long maxQueuedBytes,
            MessageFramer framer, TransportCounters counters, PeerCounters peerCounters) {
        this.channel = channel;
        this.peer = peer;
        this.incarnation = incarnation;
        this.direction = direction;
        this.maxQueuedBytes = maxQueuedBytes;
        this.counters = counters;
        this.peerCounters = peerCounters;
        this.framer = framer;
        this.writeTurn = this::writeTurn;
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

    /** A new outbound queue limit; what is queued beyond it stays, and further sends wait for room. */
    void maxQueuedBytes(long limit) {
        maxQueuedBytes = limit;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Queues the message unless the queue is full or the stream closed; never blocks. */
    boolean offer(ClusterMessage message) {
        OutboundMessage outbound = new OutboundMessage(message);
        long weight = outbound.weight;
        if (queuedBytes.addAndGet(weight) > maxQueuedBytes) {
            queuedBytes.addAndGet(-weight);
            counters.sendRefusedQueueFull.increment();
            return false;
        }
        if (!channel.isActive()) {
            queuedBytes.addAndGet(-weight);
            counters.sendRefusedNoStream.increment();
            return false;
        }
        queue.add(outbound);
        scheduleDrain();
        return true;
    }

    /** Asks the event loop to drain, once however many senders ask. */
    void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (!channel.isActive()) {
            discardQueued();
            return;
        }
        int finished = 0;
        boolean wrote = false;
        framer.startBatch(queuedBytes.get());
        // Ends: every turn that does not write is followed, within one round of subjects, by one that
        // does (a message is deferred only while another one's chunks are in flight), and writing ends
        // when the channel stops being writable or the queue is empty.
        while (channel.isWritable()) {
            MessageFramer.Turn turn;
            try {
                turn = queue.takeTurn(writeTurn);
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
            wrote |= turn != MessageFramer.Turn.DEFERRED;
        }
        if (finished > 0) {
            counters.sent.add(finished);
            peerCounters.messagesOut.add(finished);
        }
        framer.finishBatch(channel);
        if (wrote) {
            counters.flushes.increment();
            channel.flush();
        }
    }

    private MessageFramer.Turn writeTurn(OutboundMessage message) {
        MessageFramer.Turn turn;
        try {
            turn = framer.writeTurn(channel, message);
        } catch (RuntimeException e) {
            queuedBytes.addAndGet(-message.weight); // the queue drops it
            throw e;
        }
        if (turn == MessageFramer.Turn.FINISHED) {
            queuedBytes.addAndGet(-message.weight);
        }
        return turn;
    }

    /**
     * Takes every message still queued and never handed to the channel, oldest first within each subject,
     * for a later stream to the same peer to send. A chunked message with chunks already written is
     * dropped and counted: the peer has part of it, and sending it again would be a duplicate start.
     * On the event loop, once the channel is closed.
     */
    List<OutboundMessage> takeUnsent() {
        List<OutboundMessage> unsent = new ArrayList<>();
        OutboundMessage message;
        while ((message = queue.poll()) != null) {
            queuedBytes.addAndGet(-message.weight);
            if (message.started()) {
                framer.discard(message);
                counters.droppedOnClose.increment();
            } else {
                unsent.add(message);
            }
        }
        return unsent;
    }

    /**
     * Queues messages an earlier stream to the peer never sent, before the stream is live: they go out
     * ahead of anything offered later, so each subject's order holds. They were accepted once, so the
     * queue limit does not refuse them.
     */
    void requeue(List<OutboundMessage> unsent) {
        for (OutboundMessage message : unsent) {
            queuedBytes.addAndGet(message.weight);
            queue.add(message);
        }
        if (!unsent.isEmpty()) {
            scheduleDrain();
        }
    }

    /** Drops what is still queued when the stream is gone, counting it. */
    void discardQueued() {
        OutboundMessage message;
        while ((message = queue.poll()) != null) {
            queuedBytes.addAndGet(-message.weight);
            framer.discard(message);
            counters.droppedOnClose.increment();
        }
    }

    @Override
    public String toString() {
        return "stream to " + peer + " (" + direction.name().toLowerCase() + ", incarnation " + incarnation + ", "
                + channel.localAddress() + " -> " + channel.remoteAddress() + ")";
    }
}
