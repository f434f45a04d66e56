package org.cohort.core.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.cohort.api.messaging.MessageSubject;

/**
 * A stream's outbound queue: first in, first out within each subject, and round robin across subjects,
 * one turn each: a small message, or one chunk of a large one. A subject streaming large messages thus
 * delays another subject's message by at most one chunk, instead of by everything it has queued; the
 * order within a subject, which is all the API promises, is kept.
 *
 * <p>Any number of threads may {@link #add}; one thread at a time (the stream's event loop) may
 * {@link #takeTurn} and {@link #poll}.
 */
final class SubjectFairQueue {

    /** One subject's messages, and whether the subject is in the round-robin ring. */
    private static final class Lane {
        final Queue<OutboundMessage> messages = new ConcurrentLinkedQueue<>();
        final AtomicBoolean inRing = new AtomicBoolean();
    }

    private final ConcurrentHashMap<MessageSubject, Lane> lanes = new ConcurrentHashMap<>();
    private final Queue<Lane> ring = new ConcurrentLinkedQueue<>();

    void add(OutboundMessage message) {
        Lane lane = lanes.computeIfAbsent(message.message.subject(), subject -> new Lane());
        lane.messages.add(message);
        if (lane.inRing.compareAndSet(false, true)) {
            ring.add(lane);
        }
    }

    /**
     * Gives the next subject in turn its turn: {@code writer} writes its oldest message, or a chunk of it.
     * The message leaves the queue when the writer says it is finished; either way the subject goes to the
     * back of the ring.
     *
     * @return what the writer did, or null if nothing is queued
     */
    MessageFramer.Turn takeTurn(Function<OutboundMessage, MessageFramer.Turn> writer) {
        Lane lane;
        while ((lane = ring.poll()) != null) {
            OutboundMessage head = lane.messages.peek();
            if (head != null) {
                MessageFramer.Turn turn;
                try {
                    turn = writer.apply(head);
                } catch (RuntimeException e) {
                    lane.messages.poll(); // a message that cannot be written must not block its subject
                    requeue(lane);
                    throw e;
                }
                if (turn == MessageFramer.Turn.FINISHED) {
                    lane.messages.poll();
                }
                requeue(lane);
                return turn;
            }
            leaveRing(lane);
        }
        return null;
    }

    private void requeue(Lane lane) {
        if (lane.messages.isEmpty()) {
            leaveRing(lane);
        } else {
            ring.add(lane); // to the back: the other subjects go first
        }
    }

    /** Removes and returns the next message in round-robin order, or null if none is queued. */
    OutboundMessage poll() {
        Lane lane;
        while ((lane = ring.poll()) != null) {
            OutboundMessage message = lane.messages.poll();
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
