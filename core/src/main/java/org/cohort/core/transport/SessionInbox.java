package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * The receiving half of a {@link PeerSession}: which of the peer's messages arrived (a sequence number,
 * taken in order and exactly once), how many outcome messages went back for those not accepted, the
 * credit account of each subject, and the ACK and CREDIT frames that tell the peer. Guarded by the
 * session's lock, except the queue of credit due, which the subscribers' threads fill.
 */
final class SessionInbox {

    /** What to do with a message that arrived. */
    enum Verdict {
        /** Sent at most once: hand it on without credit; a refusal is not told. */
        AT_MOST_ONCE,
        /** An outcome message about one of this side's messages: the session reads it. */
        OUTCOME,
        /** Taken in order and counted against its subject's credit: hand it on and tell the outcome. */
        CREDITED
    }

    private final NodeId peer;
    private final PeerCounters counters;
    private final SubjectIntake.Announcer announcer;
    final int grantMessages;
    final long grantBytes;
    private final Map<MessageSubject, SubjectIntake> intakes = new HashMap<>();
    /** The account of the subject that arrived last: a stream's messages come in runs of one subject. */
    private SubjectIntake lastIntake;
    private final ConcurrentLinkedQueue<SubjectIntake> creditDue = new ConcurrentLinkedQueue<>();
    long received;
    long outcomesSent;
    private long peerEpoch;
    /**
     * The first message of the read being handed on (outside the lock, and to the executors only when the
     * read is done), 0 if none: the ACK stops short of it until the outcomes of the read are known.
     */
    long unsettledFrom;
    private long ackedSent = -1;
    private long outcomesAcked;
    /** The intake of the last message {@link #arrived}. */
    SubjectIntake intake;

    SessionInbox(NodeId peer, PeerCounters counters, SubjectIntake.Announcer announcer, int grantMessages,
            long grantBytes) {
        this.peer = peer;
        this.counters = counters;
        this.announcer = announcer;
        this.grantMessages = grantMessages;
        this.grantBytes = grantBytes;
    }

    /** The peer's RESUME: a new epoch starts its credit afresh; otherwise the totals are told again. */
    void resumed(SessionFrames.Resume resume) {
        if (resume.epoch() != peerEpoch) {
            peerEpoch = resume.epoch();
            intakes.clear(); // what its old epoch left in the backlogs is consumed unseen
            lastIntake = null;
            creditDue.clear();
        } else {
            creditDue.addAll(intakes.values()); // totals lost with the old stream are told again
        }
        received = Math.max(received, resume.firstSeq() - 1);
    }

    /**
     * Takes a message that arrived in stream order.
     *
     * @throws CorruptedFrameException if it replays or skips a sequence number, or exceeds its credit
     */
    Verdict arrived(long seq, ClusterMessage message) {
        if (seq == 0) {
            return Verdict.AT_MOST_ONCE;
        }
        if (seq <= received) {
            // An honest peer resends from the point this side's RESUME named, never below it.
            throw new CorruptedFrameException("message " + seq + " replayed (received through " + received
                    + ")");
        }
        if (seq != received + 1) {
            throw new CorruptedFrameException("message " + seq + " after " + received);
        }
        received = seq;
        if (message.subject().equals(OutcomeMessage.SUBJECT)) {
            return Verdict.OUTCOME;
        }
        intake = intakeOf(message.subject());
        intake.arrived(message.payload().length);
        if (unsettledFrom == 0) {
            unsettledFrom = seq;
        }
        return Verdict.CREDITED;
    }

    private SubjectIntake intakeOf(MessageSubject subject) {
        SubjectIntake last = lastIntake;
        if (last != null && last.subject == subject) { // the stream's reader hands out one object per subject
            return last;
        }
        SubjectIntake account = intakes.get(subject);
        if (account == null) {
            if (intakes.size() >= SessionOutbox.MAX_SUBJECTS) {
                throw new CorruptedFrameException("more than " + SessionOutbox.MAX_SUBJECTS + " subjects from " + peer);
            }
            account = new SubjectIntake(subject, announcer, grantMessages, grantBytes);
            intakes.put(subject, account);
        }
        lastIntake = account;
        return account;
    }

    /** A subscriber consumed enough of a subject for its credit to be told (any thread). */
    void creditDue(SubjectIntake account) {
        creditDue.add(account);
    }

    /** Writes an ACK if anything arrived or went back since the last one; true if it did. */
    boolean writeAck(Channel channel) {
        long through = unsettledFrom != 0 ? unsettledFrom - 1 : received;
        if (through <= ackedSent && outcomesSent <= outcomesAcked) {
            return false;
        }
        channel.write(SessionFrames.ack(channel.alloc(), through, outcomesSent), channel.voidPromise());
        ackedSent = through;
        outcomesAcked = outcomesSent;
        return true;
    }

    /** Writes the credit due, as totals; true if it wrote any. */
    boolean writeCredit(Channel channel) {
        List<SessionFrames.Credit> due = new ArrayList<>();
        SubjectIntake account;
        while ((account = creditDue.poll()) != null) {
            if (intakes.get(account.subject) == account) { // not an account of an epoch gone by
                long[] totals = account.announce();
                due.add(new SessionFrames.Credit(account.subject, totals[0], totals[1]));
            }
        }
        for (ByteBuf frame : SessionFrames.credit(channel.alloc(), due)) {
            channel.write(frame, channel.voidPromise());
        }
        return !due.isEmpty();
    }

    /** Messages received that were not consumed yet, and consumed ones not yet told (under the session's lock). */
    long[] unconsumedAndUntold() {
        long unconsumed = 0;
        long untold = 0;
        for (SubjectIntake intake : intakes.values()) {
            unconsumed += intake.outstandingMessages();
            untold += intake.untoldMessages();
        }
        return new long[] {unconsumed, untold};
    }
}
