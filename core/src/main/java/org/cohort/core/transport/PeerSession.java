package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.List;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.DeliveryDeadlineException;
import org.cohort.api.messaging.DeliveryUnconfirmedException;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.cohort.core.frame.Frames;
import org.cohort.core.runtime.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node and one incarnation of a peer owe each other, across every stream between them: the
 * lossless part of the transport.
 *
 * <p>Sending ({@link SessionOutbox}): an accepted message waits for its subject's turn and credit, is
 * numbered when it is written, and is kept until the peer acknowledges it. Receiving: messages are
 * taken in sequence order, exactly once (a message sent again after a reconnect that had arrived is
 * dropped as a duplicate), counted against the credit their subject was granted ({@link SubjectIntake}),
 * and handed to the {@link Intake}; one it does not accept goes back to its sender as an outcome message
 * (itself numbered, acknowledged and resent like any other) on {@link #OUTCOME}. A cumulative ACK says
 * what arrived; the sender settles it once it has read the outcome messages the ACK counts, so that a
 * refused message is never reported as accepted.
 *
 * <p>A new stream begins with a RESUME each way: what each side received, where the sender resends
 * from, the credit window. What a closed stream left unacknowledged is sent again; credit totals are
 * told again, never as increments, so a reset neither leaks nor doubles them.
 *
 * <p>All state is guarded by this object's lock: senders on any thread, the attached stream's event
 * loop, and an old stream's loop while it closes. A peer that breaks the protocol gets a
 * {@link CorruptedFrameException}, which closes its stream.
 */
final class PeerSession implements SubjectIntake.Announcer {

    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);

    final NodeId peer;
    final long peerIncarnation;
    private final NodeId localId;
    private final SessionOutbox outbox;
    private final PeerCounters counters;
    private final NodeClock clock;
    private final SessionInbox inbox;
    /** What {@link #whenIdle} handed out while the outbox was busy; null when none is waiting. */
    private Promise<Void> idle;

    private volatile Stream attached;
    private boolean resumeDue;
    private boolean peerResumed;
    private boolean unreachable;
    private boolean ended;
    private long detachedSinceNanos;

    PeerSession(NodeId localId, NodeId peer, long peerIncarnation, SessionLimits limits, PeerCounters counters,
            NodeClock clock) {
        this.localId = localId;
        this.peer = peer;
        this.peerIncarnation = peerIncarnation;
        this.counters = counters;
        this.clock = clock;
        this.inbox = new SessionInbox(peer, counters, this, limits.windowMessages(), limits.windowBytes());
        this.outbox = new SessionOutbox(peer, limits.maxQueuedBytes(), limits.maxResendBytes(), counters, clock);
    }

    // ---- sending ----

    /** Accepts a message for the peer, or says why not; never blocks beyond the lock. */
    SendResult offer(OutboundMessage message) {
        SendResult result;
        Stream stream;
        synchronized (this) {
            result = ended ? SendResult.STOPPED : unreachable ? SendResult.NO_STREAM : outbox.offer(message, false);
            stream = attached;
        }
        if (result.accepted()) {
            if (stream != null) {
                stream.scheduleDrain();
            }
        } else {
            counters.refused(result, message.subject);
        }
        return result;
    }

    /**
     * A queued message's deadline passed: if it has not started, it leaves the queue and its sender is
     * told; once written, the peer judges it (its time to live travels with it).
     */
    void deadlinePassed(OutboundMessage message) {
        synchronized (this) {
            if (message.settled || message.seq != 0 || message.started() || !outbox.queue.remove(message)) {
                return;
            }
            outbox.dropped(message);
            counters.failedBack(DeliveryOutcome.DEADLINE, message.subject);
        }
        message.fail(new DeliveryDeadlineException("the deadline passed while the message "
                + "waited to be sent to " + peer));
    }

    synchronized void limits(SessionLimits limits) {
        outbox.maxQueuedBytes = limits.maxQueuedBytes();
        outbox.maxResendBytes = limits.maxResendBytes();
    }

    synchronized long queuedBytes() {
        return outbox.queuedBytes;
    }

    synchronized long resendBytes() {
        return outbox.resendBytes;
    }

    /** Whether nothing waits to be sent or acknowledged (what {@link #whenIdle} waits for). */
    /** What the session holds now, both ways. */
    synchronized SessionBalance balance() {
        long[] inbound = inbox.unconsumedAndUntold();
        return new SessionBalance(peerIncarnation, outbox.queuedBytes, outbox.unacked.size() + outbox.toResend.size(),
                outbox.creditOutstandingMessages(), inbound[0], inbound[1]);
    }

    synchronized boolean idle() {
        return outbox.idle();
    }

    /** Whether a stream carries the session now. */
    boolean attachedToStream() {
        return attached != null;
    }

    /**
     * A future that completes once nothing waits to be sent or acknowledged (at once if nothing does): a
     * graceful stop waits for it, through {@link org.cohort.core.runtime.Scheduling#await}.
     */
    synchronized Future<Void> whenIdle() {
        if (outbox.idle()) {
            return GlobalEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        if (idle == null) {
            idle = GlobalEventExecutor.INSTANCE.newPromise(); // no listeners: its thread never starts
        }
        return idle;
    }

    /** Completes {@link #whenIdle}'s future once the outbox is idle (under the lock). */
    private void wakeIfIdle() {
        if (idle != null && outbox.idle()) {
            Promise<Void> waiting = idle;
            idle = null;
            waiting.trySuccess(null);
        }
    }

    // ---- streams ----

    /** A new stream to this peer incarnation: it resumes the session, replacing any other. */
    void attach(Stream stream) {
        synchronized (this) {
            attached = stream;
            resumeDue = true;
            peerResumed = false;
            unreachable = false;
            outbox.windowMessages = 0; // nothing starts before the peer's RESUME grants credit again
            outbox.queue.forEachHead(OutboundMessage::restart);
        }
        stream.scheduleDrain();
    }

    /** A stream closed; true if it was the attached one (the session now waits for another). */
    synchronized boolean detached(Stream stream) {
        if (attached != stream) {
            return false;
        }
        attached = null;
        detachedSinceNanos = clock.nanoTime();
        return true;
    }

    /**
     * No stream came back within the linger: what is queued (never sent) fails back and new sends are
     * refused until the peer is back; true if so. What was sent and not acknowledged is kept (within the
     * resend buffer's bound): the peer may have handed it on already, so failing it would tell its sender
     * something that may be false. It is settled when the same incarnation is back (sent again, taken
     * once), or failed back when a new one answers, the peer leaves or is removed, or this node stops.
     */
    boolean expireIfDetached(long lingerNanos) {
        int failed;
        int kept;
        synchronized (this) {
            if (attached != null || unreachable || ended || clock.nanoTime() - detachedSinceNanos < lingerNanos) {
                return false;
            }
            unreachable = true;
            failed = outbox.failQueued(new NodeUnreachableException("no stream to " + peer + " for "
                    + lingerNanos / 1_000_000 + " ms; the message was never sent"), DeliveryOutcome.UNREACHABLE);
            kept = outbox.unacked.size();
        }
        LOG.info("No stream to {} for {} ms: {} queued messages failed back, new sends refused; {} sent and not "
                + "acknowledged are kept for its return", peer, lingerNanos / 1_000_000, failed, kept);
        return true;
    }

    /**
     * The peer said goodbye: what it has not acknowledged fails back (what was sent as unconfirmed); new
     * sends wait for it to return.
     */
    synchronized int left() {
        unreachable = true;
        int failed = outbox.failAll(new NodeUnreachableException("node " + peer + " left"),
                new DeliveryUnconfirmedException("node " + peer + " left before it acknowledged the message"),
                DeliveryOutcome.LEFT);
        wakeIfIdle();
        return failed;
    }

    /**
     * The session is over (the peer restarted or was removed, or this node stops): what was never sent
     * fails with {@code neverSent}, what was sent and not acknowledged with {@code unconfirmed}.
     */
    synchronized int end(MessagingException neverSent, DeliveryUnconfirmedException unconfirmed,
            DeliveryOutcome reason) {
        ended = true;
        int failed = outbox.failAll(neverSent, unconfirmed, reason);
        wakeIfIdle();
        return failed;
    }

    // ---- control frames from the peer ----

    void onResume(Stream stream, SessionFrames.Resume resume) {
        synchronized (this) {
            if (stream != attached) {
                return;
            }
            if (peerResumed) {
                throw new CorruptedFrameException("a second resume on one stream");
            }
            peerResumed = true;
            inbox.resumed(resume);
            outbox.resume(resume);
            outbox.queue.unparkAll();
        }
        stream.scheduleDrain();
    }

    void onAck(Stream stream, SessionFrames.Ack ack) {
        boolean roomAgain;
        synchronized (this) {
            if (stream != attached) {
                return;
            }
            boolean full = outbox.resendBytes >= outbox.maxResendBytes;
            outbox.ack(ack.receivedThrough(), ack.outcomesSent());
            wakeIfIdle();
            roomAgain = full && outbox.resendBytes < outbox.maxResendBytes;
            if (roomAgain) {
                outbox.queue.unparkAll(); // lanes parked on a full resend buffer may start again
            }
        }
        if (roomAgain) {
            stream.scheduleDrain();
        }
    }

    void onCredit(Stream stream, List<SessionFrames.Credit> credits) {
        synchronized (this) {
            if (stream != attached) {
                return;
            }
            for (SessionFrames.Credit credit : credits) {
                SubjectCredit account = outbox.credit(credit.subject());
                if (account == null) {
                    throw new CorruptedFrameException("credit for subject " + credit.subject() + ", never sent");
                }
                if (account.consumed(credit.messages(), credit.bytes())) {
                    outbox.queue.unpark(credit.subject());
                }
            }
        }
        stream.scheduleDrain();
    }

    // ---- receiving ----

    /**
     * One message from the peer, in stream order, on the stream's event loop, with its delivery header
     * (see {@link InboundMessage}), taken into the stream's batch for the read: the ACK stops short of
     * the read's messages until {@link #handedOff} says the batch was handed on.
     */
    void receive(Stream stream, long seq, int ttlMillis, ClusterMessage message, Intake.Batch batch) {
        SubjectIntake account;
        synchronized (this) {
            if (stream != attached) {
                // A replaced stream's leftovers: what the new stream's RESUME did not count, the peer sends
                // again on the new one; handing them on too would deliver them twice.
                counters.duplicate(message.subject());
                return;
            }
            if (!peerResumed) {
                throw new CorruptedFrameException("message before the resume");
            }
            switch (inbox.arrived(seq, message)) {
                case OUTCOME -> {
                    OutcomeMessage outcome = OutcomeMessage.decode(message);
                    outbox.outcome(outcome.seq(), outcome.reason(), peer);
                    wakeIfIdle();
                    return;
                }
                case AT_MOST_ONCE -> account = null;
                default -> account = inbox.intake;
            }
        }
        // Outside the lock: a subscriber's executor, or a delegate, is the application's code.
        Acceptance acceptance;
        RuntimeException failed = null;
        try {
            acceptance = ttlMillis == Frames.EXPIRED ? null
                    : batch.accept(message, account == null ? Consumption.NONE : account, seq);
        } catch (RuntimeException e) {
            acceptance = Acceptance.REFUSED; // the delegate failed on it: its sender is told, and the ack goes on
            failed = e;
        }
        if (account != null && acceptance != Acceptance.ACCEPTED) {
            synchronized (this) {
                tellRefusal(seq, message, account, acceptance == null ? DeliveryOutcome.DEADLINE
                        : acceptance == Acceptance.NO_HANDLER ? DeliveryOutcome.NO_HANDLER : DeliveryOutcome.REFUSED);
            }
        }
        if (failed != null) {
            throw failed; // counted and logged by the stream's handler, which keeps the stream
        }
    }

    /**
     * The stream's batch for a read was handed on ({@link Intake.Batch#handOff}): every message of the
     * read has its outcome, so the ACK may pass them. A RESUME held back for them goes out now.
     */
    void handedOff(Stream stream) {
        Stream next;
        synchronized (this) {
            if (inbox.unsettledFrom == 0) {
                return;
            }
            inbox.unsettledFrom = 0;
            next = attached;
        }
        if (next != null && next != stream) {
            next.scheduleDrain(); // a new stream's RESUME waited for the old stream's read
        }
    }

    /** A message of a read's batch was refused when the batch was handed on: its sender is told. */
    @Override
    public void refusedAtHandOff(SubjectIntake account, ClusterMessage message, long seq) {
        synchronized (this) {
            tellRefusal(seq, message, account, DeliveryOutcome.REFUSED);
        }
        // The stream's drain after the read writes it.
    }

    /** A numbered message was not accepted: its outcome goes back to its sender (under the lock). */
    private void tellRefusal(long seq, ClusterMessage message, SubjectIntake account, DeliveryOutcome reason) {
        int bytes = message.payload().length;
        // The refused message's credit returns once its outcome is on its way: a peer that keeps sending
        // into the void is held to its window.
        outbox.offer(OutboundMessage.of(new OutcomeMessage(seq, reason).encode(localId), null, 0,
                written -> account.consumed(bytes), false), true);
        inbox.outcomesSent++;
    }

    @Override
    public void creditDue(SubjectIntake intake) {
        inbox.creditDue(intake);
        Stream stream = attached;
        if (stream != null) {
            stream.scheduleDrain();
        }
    }

    // ---- writing, on the attached stream's event loop ----

    /** Writes what is due on the stream: resume, ack, credit, then messages (resends first). */
    void drain(Stream stream) {
        Channel channel = stream.channel();
        boolean wrote = false;
        synchronized (this) {
            if (stream != attached || !channel.isActive()) {
                return;
            }
            if (resumeDue) {
                if (inbox.unsettledFrom != 0) {
                    return; // it tells what arrived: it waits while an old stream's last read is handed on
                }
                resumeDue = false;
                channel.write(SessionFrames.resume(channel.alloc(), new SessionFrames.Resume(outbox.epoch,
                        inbox.received, inbox.outcomesSent, outbox.firstSeqToCome(), inbox.grantMessages,
                        inbox.grantBytes)), channel.voidPromise());
                wrote = true;
            }
            wrote |= inbox.writeAck(channel);
            if (peerResumed) {
                wrote |= inbox.writeCredit(channel);
                wrote |= stream.writeMessages(outbox);
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    @Override
    public String toString() {
        return "session with " + peer + " (incarnation " + peerIncarnation + ")";
    }
}
