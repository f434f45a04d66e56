package org.cohort.core.transport;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.messaging.MessageSubject;

/**
 * A stream's outbound queue: first in, first out within each subject, and round robin across subjects,
 * one turn each: a small message, or one chunk of a large one. A subject streaming large messages thus
 * delays another subject's message by at most one chunk, instead of by everything it has queued; the
 * order within a subject, which is all the API promises, is kept.
 *
 * <p>A subject without credit is parked out of the ring until the peer gives some ({@link #unpark}), so
 * that it holds up no other subject. Its session's lock guards every call.
 */
final class SubjectFairQueue {

    /** One subject's messages, and whether the subject is in the round-robin ring. */
    private static final class Lane {
        final ArrayDeque<OutboundMessage> messages = new ArrayDeque<>();
        boolean inRing;
        /** Out of the ring until its subject has credit again (still counted as in it, for add). */
        boolean parked;
    }

    // Plain collections: the session's lock guards every call, so concurrent ones only added CAS.
    private final Map<MessageSubject, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> ring = new ArrayDeque<>();
    /** The lane of the subject added to last: a sender keeps to a subject, and this saves the lookup. */
    private MessageSubject lastSubject;
    private Lane lastLane;

    void add(OutboundMessage message) {
        MessageSubject subject = message.subject;
        Lane lane = subject == lastSubject ? lastLane : lanes.computeIfAbsent(subject, key -> new Lane());
        lastSubject = subject;
        lastLane = lane;
        lane.messages.add(message);
        if (!lane.inRing) {
            lane.inRing = true;
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
                if (turn == MessageFramer.Turn.FINISHED || turn == MessageFramer.Turn.DROPPED) {
                    lane.messages.poll();
                }
                if (turn == MessageFramer.Turn.BLOCKED) {
                    lane.parked = true; // out of the ring: the other subjects go on
                } else {
                    requeue(lane);
                }
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

    /**
     * Removes one message that has not started (its deadline passed while it waited); true if it was
     * queued. A subject left empty leaves the ring, or stops waiting for credit.
     */
    boolean remove(OutboundMessage message) {
        Lane lane = lanes.get(message.subject);
        if (lane == null || !lane.messages.remove(message)) {
            return false;
        }
        if (lane.messages.isEmpty() && lane.parked) {
            lane.parked = false;
            leaveRing(lane);
        }
        return true;
    }

    /** Puts a subject waiting for credit back in the ring. */
    void unpark(MessageSubject subject) {
        Lane lane = lanes.get(subject);
        if (lane != null && lane.parked) {
            lane.parked = false;
            ring.add(lane);
        }
    }

    /** Puts every subject waiting for credit back in the ring (a new stream: credit is told afresh). */
    void unparkAll() {
        for (Lane lane : lanes.values()) {
            if (lane.parked) {
                lane.parked = false;
                ring.add(lane);
            }
        }
    }

    /** Applies {@code action} to the oldest message of every subject (a new stream restarts partial ones). */
    void forEachHead(Consumer<OutboundMessage> action) {
        for (Lane lane : lanes.values()) {
            OutboundMessage head = lane.messages.peek();
            if (head != null) {
                action.accept(head);
            }
        }
    }

    /**
     * Removes and returns the next message in round-robin order, then those of subjects waiting for
     * credit, or null if none is queued.
     */
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
        for (Lane parked : lanes.values()) {
            if (parked.parked) {
                OutboundMessage message = parked.messages.poll();
                if (message != null) {
                    return message;
                }
                parked.parked = false;
                leaveRing(parked);
            }
        }
        return null;
    }

    /** Takes an empty lane out of the ring. */
    private void leaveRing(Lane lane) {
        lane.inRing = false;
    }
}
