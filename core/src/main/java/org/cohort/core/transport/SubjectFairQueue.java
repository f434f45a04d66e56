package org.cohort.core.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * A stream's outbound queue: first in, first out within each subject, and round robin across subjects,
 * one message per turn. A subject streaming large messages thus delays another subject's message by at
 * most one of its own, instead of by everything it has queued; the order within a subject, which is all
 * the API promises, is kept.
 *
 * <p>Any number of threads may {@link #add}; one thread at a time (the stream's event loop) may
 * {@link #poll}.
 */
final class SubjectFairQueue {

    /** One subject's messages, and whether the subject is in the round-robin ring. */
    private static final class Lane {
        final Queue<ClusterMessage> messages = new ConcurrentLinkedQueue<>();
        final AtomicBoolean inRing = new AtomicBoolean();
    }

    private final ConcurrentHashMap<MessageSubject, Lane> lanes = new ConcurrentHashMap<>();
    private final Queue<Lane> ring = new ConcurrentLinkedQueue<>();

    void add(ClusterMessage message) {
        Lane lane = lanes.computeIfAbsent(message.subject(), subject -> new Lane());
        lane.messages.add(message);
        if (lane.inRing.compareAndSet(false, true)) {
            ring.add(lane);
        }
    }

    /** Returns the next message in round-robin order, or null if none is queued. */
    ClusterMessage poll() {
        Lane lane;
        while ((lane = ring.poll()) != null) {
            ClusterMessage message = lane.messages.poll();
            if (message != null) {
                if (lane.messages.isEmpty()) {
                    leaveRing(lane);
                } else {
                    ring.add(lane); // to the back: the other subjects go first
                }
                return message;
            }
            leaveRing(lane);
        }
        return null;
    }

    /** Takes an empty lane out of the ring, unless a producer added to it meanwhile. */
    private void leaveRing(Lane lane) {
        lane.inRing.set(false);
        if (!lane.messages.isEmpty() && lane.inRing.compareAndSet(false, true)) {
            ring.add(lane);
        }
    }
}
