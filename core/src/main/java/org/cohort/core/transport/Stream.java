package org.cohort.core.transport;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.handshake.Direction;

/**
 * The live stream to one peer: its channel and its bounded outbound queue.
 *
 * <p>Senders on any thread add to the queue; the channel's event loop drains it, writing everything
 * queued and flushing once, so a burst costs one syscall rather than one per message. The queue takes
 * subjects in turn (see {@link SubjectFairQueue}), so bulk on one subject does not hold up another. It is
 * bounded in bytes; beyond it, sends are refused rather than buffered without end. Draining stops
 * while the channel is not writable (the peer is slow), and resumes when it is again.
 */
final class Stream {

    /** Bytes counted per message beyond its payload and names, for the envelope and queue entry. */
    private static final int OVERHEAD_BYTES = 32;

    private final Channel channel;
    private final NodeId peer;
    private final long incarnation;
    private final Direction direction;
    private final long maxQueuedBytes;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;
    private final SubjectFairQueue queue = new SubjectFairQueue();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    Stream(Channel channel, NodeId peer, long incarnation, Direction direction, long maxQueuedBytes,
            TransportCounters counters, PeerCounters peerCounters) {
        this.channel = channel;
        this.peer = peer;
        this.incarnation = incarnation;
        this.direction = direction;
        this.maxQueuedBytes = maxQueuedBytes;
        this.counters = counters;
        this.peerCounters = peerCounters;
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

    long queuedBytes() {
        return queuedBytes.get();
    }

    static long weight(ClusterMessage message) {
        return (long) message.payload().length + message.subject().value().length()
                + message.sender().id().length() + OVERHEAD_BYTES;
    }

    /** Queues the message unless the queue is full or the stream closed; never blocks. */
    boolean offer(ClusterMessage message) {
        long weight = weight(message);
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
        queue.add(message);
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
        int written = 0;
        ClusterMessage message;
        while (channel.isWritable() && (message = queue.poll()) != null) {
            queuedBytes.addAndGet(-weight(message));
            channel.write(message, channel.voidPromise());
            written++;
        }
        if (written > 0) {
            counters.sent.add(written);
            peerCounters.messagesOut.add(written);
            counters.flushes.increment();
            channel.flush();
        }
    }

    /** Drops what is still queued when the stream is gone, counting it. */
    void discardQueued() {
        ClusterMessage message;
        while ((message = queue.poll()) != null) {
            queuedBytes.addAndGet(-weight(message));
            counters.droppedOnClose.increment();
        }
    }

    @Override
    public String toString() {
        return "stream to " + peer + " (" + direction.name().toLowerCase() + ", incarnation " + incarnation + ", "
                + channel.localAddress() + " -> " + channel.remoteAddress() + ")";
    }
}
