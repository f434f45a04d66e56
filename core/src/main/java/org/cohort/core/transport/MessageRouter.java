package org.cohort.core.transport;

import io.netty.util.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.Scheduling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a message sent through {@link ConnectionManager} goes: to this node's own intake, or into the
 * peer's {@link PeerSession}; or why it goes nowhere ({@link SendResult}, counted). A message sent with
 * an outcome future is watched until its deadline, if it has one: one still queued then fails back.
 *
 * <p>Thread-safe; senders call it from any thread. The deadline timer thread is the node's, from
 * {@link #start} to {@link #stop}.
 */
final class MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);

    private final NodeId localId;
    private final Roster.InForce roster;
    private final Sessions sessions;
    private final CommunicationsDelegate commsDelegate;
    private final TransportCounters counters;
    private final NodeClock clock;
    private final BooleanSupplier running;
    /** Fails queued messages whose deadline passes before they are sent. */
    private volatile Timer deadlines;
    /**
     * Where the last message went: a sender keeps to a peer, and while the roster and the sessions are
     * as they were, the member check and the session lookup (two hash lookups per message) still hold.
     * Written by any sender without a lock: it is immutable, and any sender's is right while it holds.
     */
    private Route lastRoute;

    /** A peer as the roster and the sessions had it: a member or not, and its session (null if none). */
    private record Route(NodeId nodeId, Roster roster, int sessionChanges, boolean member, PeerSession session) {
    }

    MessageRouter(NodeId localId, Roster.InForce roster, Sessions sessions, CommunicationsDelegate commsDelegate,
            TransportCounters counters, NodeClock clock, BooleanSupplier running) {
        this.localId = localId;
        this.roster = roster;
        this.sessions = sessions;
        this.commsDelegate = commsDelegate;
        this.counters = counters;
        this.clock = clock;
        this.running = running;
    }

    void start(Scheduling scheduling) {
        deadlines = scheduling.newTimer("delivery-deadlines", 10);
    }

    void stop() {
        Timer timer = deadlines;
        deadlines = null;
        if (timer != null) {
            timer.stop();
        }
    }

    /**
     * Routes the message; the future completes when the peer accepted it for its subscriber, and fails
     * with the reason of a refusal at once, or with what ended the delivery later (see
     * {@link DeliveryOutcome}).
     */
    CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        SendResult result = route(nodeId, message, outcome, deadline);
        if (!result.accepted()) {
            outcome.completeExceptionally(refusal(nodeId, result));
        }
        return outcome;
    }

    /**
     * Routes the message to this node's intake or the peer's session.
     *
     * @param outcome told what becomes of it, or null
     * @param deadline how long it may still be delivered, or null
     */
    SendResult route(NodeId nodeId, ClusterMessage message, CompletableFuture<Void> outcome, Duration deadline) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(message, "message");
        if (!running.getAsBoolean()) {
            return SendResult.STOPPED;
        }
        if (nodeId.equals(localId)) {
            return sendLocally(message, outcome);
        }
        Roster now = roster.get();
        Route to = routeTo(now, nodeId);
        SendResult refused = refused(now, to, Envelope.maxEncodedLength(message));
        if (refused != null) {
            return refused;
        }
        PeerSession session = to.session;
        boolean atMostOnce = atMostOnce(now, message.subject());
        OutboundMessage outbound;
        if (outcome == null && deadline == null) {
            outbound = OutboundMessage.of(message, localId, atMostOnce);
        } else {
            long deadlineNanos = deadline == null ? 0 : nonZero(clock.nanoTime() + deadline.toNanos());
            outbound = OutboundMessage.of(message, outcome, deadlineNanos, null, atMostOnce);
        }
        SendResult result = offer(session, outbound);
        if (result.accepted() && deadline != null) {
            watch(session, outbound, deadline);
        }
        return result;
    }

    /**
     * Routes a message of this node given by its envelope's fields (see {@link EnvelopeSender}): no
     * message object is made for it unless it is for this node.
     */
    SendResult route(NodeId nodeId, MessageSubject subject, byte[] payload, byte kind, long requestId, byte status) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        if (!running.getAsBoolean()) {
            return SendResult.STOPPED;
        }
        if (nodeId.equals(localId)) {
            return sendLocally(Envelope.message(localId, subject, payload, kind, requestId, status), null);
        }
        Roster now = roster.get();
        Route to = routeTo(now, nodeId);
        SendResult refused = refused(now, to, Envelope.maxEncodedLength(localId, subject, kind, payload.length));
        if (refused != null) {
            return refused;
        }
        PeerSession session = to.session;
        return offer(session, OutboundMessage.of(subject, payload, kind, requestId, status, atMostOnce(now, subject)));
    }

    /** Why a message of at most {@code maxEncodedLength} bytes may not go to the peer, counted; null if it may. */
    private SendResult refused(Roster now, Route route, int maxEncodedLength) {
        if (!route.member) {
            counters.sendRefusedUnknownNode.increment();
            return SendResult.UNKNOWN_NODE;
        }
        if (maxEncodedLength > now.settings().maxMessageBytes()) {
            counters.sendRefusedTooLarge.increment();
            return SendResult.TOO_LARGE;
        }
        if (route.session == null) {
            counters.sendRefusedNoStream.increment();
            return SendResult.NO_STREAM;
        }
        return null;
    }

    /** The peer as the roster and the sessions have it now: the last one's, if nothing changed since. */
    private Route routeTo(Roster now, NodeId nodeId) {
        Route last = lastRoute;
        if (last != null && last.roster == now && last.sessionChanges == sessions.changes()
                && last.nodeId.equals(nodeId)) {
            return last;
        }
        int changes = sessions.changes(); // before the lookup: a change after it makes this route stale
        boolean member = now.members().containsKey(nodeId);
        Route route = new Route(nodeId, now, changes, member, member ? sessions.get(nodeId) : null);
        lastRoute = route;
        return route;
    }

    private static boolean atMostOnce(Roster now, MessageSubject subject) {
        Set<MessageSubject> subjects = now.settings().delivery().atMostOnceSubjects();
        return !subjects.isEmpty() && subjects.contains(subject);
    }

    /** Queues the message on the peer's session; a refusal is counted. */
    private SendResult offer(PeerSession session, OutboundMessage outbound) {
        SendResult result = session.offer(outbound);
        if (result == SendResult.QUEUE_FULL || result == SendResult.RESEND_FULL) {
            counters.sendRefusedQueueFull.increment();
        } else if (result == SendResult.NO_STREAM) {
            counters.sendRefusedNoStream.increment();
        }
        return result;
    }

    private void watch(PeerSession session, OutboundMessage outbound, Duration deadline) {
        Timer timer = deadlines;
        if (timer == null) {
            return;
        }
        try {
            timer.newTimeout(expired -> session.deadlinePassed(outbound), deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IllegalStateException stopping) {
            LOG.debug("Not watching the deadline of a message to {}: stopping", session.peer);
        }
    }

    /** 0 means "no deadline": a deadline that falls on it moves by a nanosecond. */
    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    /** To this node: straight to the delegate, which says at once whether a subscriber took it. */
    private SendResult sendLocally(ClusterMessage message, CompletableFuture<Void> outcome) {
        counters.sentLocally.increment();
        if (!(commsDelegate instanceof Intake intake)) {
            commsDelegate.dispatch(message);
            if (outcome != null) {
                outcome.complete(null);
            }
            return SendResult.ACCEPTED;
        }
        Acceptance acceptance = intake.accept(message, Consumption.NONE);
        if (acceptance == Acceptance.REFUSED) {
            return SendResult.QUEUE_FULL; // the subscriber's backlog is full: the caller is told at once
        }
        if (outcome != null) {
            if (acceptance == Acceptance.ACCEPTED) {
                outcome.complete(null);
            } else {
                outcome.completeExceptionally(DeliveryOutcome.NO_HANDLER.exception(localId, message.subject()));
            }
        }
        return SendResult.ACCEPTED;
    }

    private static MessagingException refusal(NodeId nodeId, SendResult result) {
        return switch (result) {
            case QUEUE_FULL, RESEND_FULL -> new PeerOverloadedException("refused: " + result + " for node " + nodeId);
            case NO_STREAM, UNKNOWN_NODE -> new NodeUnreachableException("refused: " + result + " for node " + nodeId);
            default -> new MessagingException("refused: " + result + " for node " + nodeId);
        };
    }
}
