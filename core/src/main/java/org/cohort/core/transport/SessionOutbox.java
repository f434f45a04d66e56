package org.cohort.core.transport;

import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.DeliveryDeadlineException;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.frame.Frames;
import org.cohort.core.runtime.NodeClock;

/**
 * The sending half of a {@link PeerSession}: the queue of accepted messages (per subject, waiting for
 * their turn and their credit), the messages sent and not yet acknowledged (kept, in sequence order, to
 * resend after a reconnect), and the credit per subject. Both are bounded in bytes: beyond, sends are
 * refused with their reason; nothing accepted is dropped. Guarded by the session's lock.
 */
final class SessionOutbox implements MessageFramer.Numbering {

    /** The most subjects one session keeps credit for; beyond, sends on new subjects are refused. */
    static final int MAX_SUBJECTS = 16_384;
    /** The most acknowledgements waiting for outcome messages; older ones merge into newer ones. */
    private static final int MAX_PENDING_ACKS = 64;

    final SubjectFairQueue queue = new SubjectFairQueue();
    /** Sent and not acknowledged, in sequence order. */
    final ArrayDeque<OutboundMessage> unacked = new ArrayDeque<>();
    /** Of those, what a new stream sends again before anything new. */
    final ArrayDeque<OutboundMessage> toResend = new ArrayDeque<>();
    private final Map<MessageSubject, SubjectCredit> credits = new HashMap<>();
    /** Acknowledgements {through, outcomes} waiting until the outcome messages they count have arrived. */
    private final ArrayDeque<long[]> pendingAcks = new ArrayDeque<>();
    private final NodeId peer;
    private final PeerCounters counters;
    private final NodeClock clock;
    long maxQueuedBytes;
    long maxResendBytes;
    long nextSeq = 1;
    long epoch = 1;
    private long ackedThrough;
    private long outcomesRead;
    /** The peer's grant per subject, from its RESUME; no message starts before it. */
    int windowMessages;
    long windowBytes;
    // Plain: written under the session's lock several times per message, read under it too (the
    // session's stats take the lock for them), so a volatile's fence per write bought nothing.
    long queuedBytes;
    long resendBytes;
    /** The credit account offered to last: a sender keeps to a subject, and this saves the lookup. */
    private SubjectCredit lastCredit;

    SessionOutbox(NodeId peer, long maxQueuedBytes, long maxResendBytes, PeerCounters counters, NodeClock clock) {
        this.peer = peer;
        this.clock = clock;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxResendBytes = maxResendBytes;
        this.counters = counters;
    }

    /** Queues an accepted message, or says why not. Outcome messages (control) pass every bound. */
    SendResult offer(OutboundMessage message, boolean control) {
        if (!control && !message.atMostOnce) {
            if (queuedBytes + message.weight() > maxQueuedBytes) {
                return SendResult.QUEUE_FULL;
            }
            if (resendBytes >= maxResendBytes) {
                return SendResult.RESEND_FULL;
            }
            SubjectCredit credit = lastCredit;
            if (credit == null || credit.subject != message.subject) {
                credit = credits.get(message.subject);
            }
            if (credit == null) {
                if (credits.size() >= MAX_SUBJECTS) {
                    return SendResult.QUEUE_FULL;
                }
                credit = new SubjectCredit(message.subject, counters.tally(message.subject));
                credits.put(credit.subject, credit);
            }
            message.credit = credit;
            lastCredit = credit;
        }
        queuedBytes += message.weight();
        queue.add(message);
        return SendResult.ACCEPTED;
    }

    /** The credit account of a subject, or null if nothing was sent on it in this epoch. */
    SubjectCredit credit(MessageSubject subject) {
        return credits.get(subject);
    }

    /**
     * Whether the message may start now: the peer granted credit for its subject, and the resend buffer
     * has room (what was sent and not acknowledged stays within {@code delivery.resend.max.bytes} plus one
     * message, however much was queued when it filled).
     */
    boolean mayStart(OutboundMessage message) {
        return windowMessages > 0 && (resendBytes < maxResendBytes || message.credit == null)
                && (message.credit == null
                || message.credit.allows(message.payload.length, windowMessages, windowBytes));
    }

    /**
     * Before a queued message's first frame: past its deadline it leaves the queue and its sender is told
     * (DROPPED); without credit it waits (BLOCKED); otherwise it may start (null).
     */
    MessageFramer.Turn firstTurn(OutboundMessage message) {
        if (message.deadlineNanos() != 0 && clock.nanoTime() - message.deadlineNanos() >= 0) {
            counters.failedBack(DeliveryOutcome.DEADLINE, message.subject);
            message.fail(new DeliveryDeadlineException("the deadline passed before " + peer + " could take the message"));
            dropped(message);
            return MessageFramer.Turn.DROPPED;
        }
        return mayStart(message) ? null : MessageFramer.Turn.BLOCKED;
    }

    @Override
    public long seq(OutboundMessage message) {
        return message.seq != 0 ? message.seq : numbered(message);
    }

    @Override
    public int ttlMillis(OutboundMessage message) {
        if (message.deadlineNanos() == 0) {
            return 0;
        }
        long left = message.deadlineNanos() - clock.nanoTime();
        return left <= 0 ? Frames.EXPIRED : (int) Math.min(Integer.MAX_VALUE - 1, Math.max(1, left / 1_000_000));
    }

    /**
     * The message is written completely for the first time: numbered and kept until acknowledged, or, sent
     * at most once, gone (sequence number 0) and its outcome complete.
     */
    long numbered(OutboundMessage message) {
        if (message.atMostOnce) {
            queuedBytes -= message.weight();
            counters.sent(tally(message));
            message.succeed();
            return 0;
        }
        message.seq = nextSeq++;
        if (message.credit != null) {
            message.credit.sent(message.payload.length);
        }
        queuedBytes -= message.weight();
        resendBytes += message.weight();
        unacked.add(message);
        counters.sent(tally(message));
        return message.seq;
    }

    /** The node's counters for the message's subject: its credit account's, or (no account) looked up. */
    private DeliveryTally tally(OutboundMessage message) {
        return message.credit != null ? message.credit.tally : counters.tally(message.subject);
    }

    /** The message left the queue without being sent (its deadline passed first). */
    void dropped(OutboundMessage message) {
        queuedBytes -= message.weight();
    }

    /**
     * The peer's cumulative acknowledgement.
     *
     * @throws CorruptedFrameException if it acknowledges what was never sent, or goes back
     */
    void ack(long through, long outcomes) {
        if (through >= nextSeq) {
            throw new CorruptedFrameException("ack of sequence number " + through + ", of " + (nextSeq - 1) + " sent");
        }
        if (through < ackedThrough) {
            throw new CorruptedFrameException("ack went back from " + ackedThrough + " to " + through);
        }
        ackedThrough = through;
        if (pendingAcks.size() >= MAX_PENDING_ACKS) {
            pendingAcks.pollLast(); // the newest one covers it, settled a little later
        }
        pendingAcks.add(new long[] {through, outcomes});
        settle();
    }

    /** An outcome message from the peer: the message it names was not accepted. */
    void outcome(long seq, DeliveryOutcome reason, NodeId peer) {
        outcomesRead++;
        for (OutboundMessage message : unacked) {
            if (message.seq == seq) {
                if (!message.settled) {
                    counters.failedBack(reason, message.subject);
                }
                message.fail(reason.exception(peer, message.subject));
                break;
            }
            if (message.seq > seq) {
                break;
            }
        }
        settle();
    }

    private void settle() {
        while (!pendingAcks.isEmpty() && pendingAcks.peekFirst()[1] <= outcomesRead) {
            long through = pendingAcks.pollFirst()[0];
            OutboundMessage message;
            while ((message = unacked.peekFirst()) != null && message.seq <= through) {
                unacked.pollFirst();
                resendBytes -= message.weight();
                if (!message.settled) {
                    counters.acked(tally(message));
                }
                message.succeed();
            }
        }
    }

    /**
     * A new stream resumes the session: what the peer has is acknowledged, the rest is to be sent again.
     *
     * @throws CorruptedFrameException if the peer claims a resend point beyond what was sent
     */
    void resume(SessionFrames.Resume resume) {
        ack(resume.receivedThrough(), resume.outcomesSent());
        windowMessages = resume.windowMessages();
        windowBytes = resume.windowBytes();
        toResend.clear();
        for (OutboundMessage message : unacked) {
            if (message.seq > resume.receivedThrough()) {
                message.restart();
                toResend.add(message);
            }
        }
    }

    /** The first sequence number a new stream will carry. */
    long firstSeqToCome() {
        OutboundMessage oldest = unacked.peekFirst();
        return oldest != null ? oldest.seq : nextSeq;
    }

    /**
     * Tells the sender of every queued message that it will not be delivered, and forgets it: none of
     * them was ever written whole (a message is numbered as its last frame is written), so the peer has
     * none. What was sent and not acknowledged stays: the peer may have it, which only the peer's return
     * can tell. The session's own outcome messages stay queued too, since the peer counts on them.
     *
     * @return how many senders were told
     */
    int failQueued(MessagingException why, DeliveryOutcome reason) {
        int failed = 0;
        List<OutboundMessage> control = new ArrayList<>();
        OutboundMessage message;
        while ((message = queue.poll()) != null) {
            if (message.control()) {
                control.add(message);
                continue;
            }
            queuedBytes -= message.weight();
            message.release();
            failed += fail(message, why, reason);
        }
        control.forEach(queue::add);
        return failed;
    }

    /**
     * Tells the sender of every message queued that it will not be delivered, and the sender of every
     * message sent and unacknowledged that its delivery is unconfirmed (the peer may have it), and forgets
     * them; a new epoch starts, with fresh credit, if the session goes on (same peer incarnation).
     */
    int failAll(MessagingException neverSent, MessagingException unconfirmed, DeliveryOutcome reason) {
        int failed = 0;
        OutboundMessage message;
        while ((message = queue.poll()) != null) {
            message.release();
            failed += fail(message, neverSent, reason);
        }
        for (OutboundMessage sent : unacked) {
            failed += fail(sent, unconfirmed, reason);
        }
        unacked.clear();
        toResend.clear();
        pendingAcks.clear();
        credits.clear();
        lastCredit = null;
        queuedBytes = 0;
        resendBytes = 0;
        windowMessages = 0;
        epoch++;
        return failed;
    }

    private int fail(OutboundMessage message, MessagingException why, DeliveryOutcome reason) {
        if (message.settled || message.control()) {
            return 0;
        }
        // Counted before the sender hears, so that it sees the count.
        counters.failedBack(reason, message.subject);
        message.fail(why);
        return 1;
    }

    boolean idle() {
        return unacked.isEmpty() && queuedBytes == 0;
    }

    /** Messages sent on any subject that the peer has not reported consumed (under the session's lock). */
    long creditOutstandingMessages() {
        long outstanding = 0;
        for (SubjectCredit credit : credits.values()) {
            outstanding += credit.outstandingMessages();
        }
        return outstanding;
    }
}
