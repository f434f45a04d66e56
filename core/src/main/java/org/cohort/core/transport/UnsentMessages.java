package org.cohort.core.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;

/**
 * Messages that a closed stream had queued and never handed to its channel, held for the peer's next
 * stream, so that a stream closed and reopened (the failure detector gave up on a starved peer, a
 * connection reset) loses nothing that was still only queued. Nothing handed to a channel is ever held:
 * what was written may have arrived, and sending it again could deliver it twice.
 *
 * <p>The next stream takes them only from the same incarnation of the peer (a restarted peer is another
 * process, and the new stream may already carry newer messages), and only within {@code maxAgeNanos} of
 * the close; otherwise they are dropped and counted as {@code droppedOnClose}, as before.
 *
 * <p>Thread-safe. The connection manager calls it under the stream table's lock, so that holding and
 * claiming are ordered with the table's changes.
 */
final class UnsentMessages {

    private record Held(long incarnation, List<OutboundMessage> messages, long sinceNanos) {
    }

    private final long maxAgeNanos;
    private final TransportCounters counters;
    private final Map<NodeId, Held> held = new HashMap<>();

    UnsentMessages(long maxAgeNanos, TransportCounters counters) {
        this.maxAgeNanos = maxAgeNanos;
        this.counters = counters;
    }

    /** Holds a closed stream's unsent messages, after any still held from an earlier stream of the same peer. */
    synchronized void hold(NodeId peer, long incarnation, List<OutboundMessage> messages, long nowNanos) {
        if (messages.isEmpty()) {
            return;
        }
        Held earlier = held.remove(peer);
        if (earlier != null && earlier.incarnation == incarnation) {
            List<OutboundMessage> all = new ArrayList<>(earlier.messages);
            all.addAll(messages);
            held.put(peer, new Held(incarnation, all, earlier.sinceNanos));
            return;
        }
        if (earlier != null) {
            drop(earlier.messages);
        }
        held.put(peer, new Held(incarnation, List.copyOf(messages), nowNanos));
    }

    /**
     * Takes what is held for a new stream to the peer: everything, oldest first within each subject, if
     * the stream is to the same incarnation and the messages are not too old; nothing otherwise (then
     * they are dropped).
     */
    synchronized List<OutboundMessage> claim(NodeId peer, long incarnation, long nowNanos) {
        Held earlier = held.remove(peer);
        if (earlier == null) {
            return List.of();
        }
        if (earlier.incarnation != incarnation || nowNanos - earlier.sinceNanos > maxAgeNanos) {
            drop(earlier.messages);
            return List.of();
        }
        return earlier.messages;
    }

    /** Drops what has been held for the peer for longer than the maximum age. */
    synchronized void expire(NodeId peer, long nowNanos) {
        Held earlier = held.get(peer);
        if (earlier != null && nowNanos - earlier.sinceNanos >= maxAgeNanos) {
            held.remove(peer);
            drop(earlier.messages);
        }
    }

    /** Drops everything held: the node is stopping. */
    synchronized void dropAll() {
        held.values().forEach(earlier -> drop(earlier.messages));
        held.clear();
    }

    void drop(List<OutboundMessage> messages) {
        counters.droppedOnClose.add(messages.size());
    }
}
