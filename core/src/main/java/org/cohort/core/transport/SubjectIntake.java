package org.cohort.core.transport;

import io.netty.handler.codec.CorruptedFrameException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.delivery.CreditAccount;

/**
 * A receiver's account of one subject from one peer: what arrived, what the subscriber's executor
 * consumed, and what of that the peer was told (credit frames carry totals, see {@link SubjectCredit}).
 * A peer that sends beyond the window it was granted breaks the protocol. The consumed totals move on
 * the subscriber's threads; credit is announced when a quarter of the window came back, or when nothing
 * is outstanding any more, so that a sender waiting for credit always gets it and a trickle costs a
 * frame per message at most.
 */
final class SubjectIntake implements CreditAccount {

    /** Where an announcement goes: the session schedules a drain that writes it. */
    interface Announcer {
        void creditDue(SubjectIntake intake);

        /** A message accepted into a read's batch was refused at its hand-off: its sender must hear of it. */
        void refusedAtHandOff(SubjectIntake intake, ClusterMessage message, long seq);
    }

    final MessageSubject subject;
    private final Announcer announcer;
    private final int windowMessages;
    private final long windowBytes;
    private final AtomicLong receivedMessages = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong consumedMessages = new AtomicLong();
    private final AtomicLong consumedBytes = new AtomicLong();
    private volatile long announcedMessages;
    private volatile long announcedBytes;
    final AtomicBoolean due = new AtomicBoolean();

    SubjectIntake(MessageSubject subject, Announcer announcer, int windowMessages, long windowBytes) {
        this.subject = subject;
        this.announcer = announcer;
        this.windowMessages = windowMessages;
        this.windowBytes = windowBytes;
    }

    /**
     * Counts an arrival (under the session's lock).
     *
     * @throws CorruptedFrameException if the peer sent beyond its credit
     */
    void arrived(int bytes) {
        long messages = receivedMessages.incrementAndGet();
        long total = receivedBytes.addAndGet(bytes);
        long outstanding = messages - announcedMessages;
        if (outstanding > windowMessages || outstanding > 1 && total - announcedBytes > windowBytes) {
            throw new CorruptedFrameException("peer sent " + outstanding + " messages / " + (total - announcedBytes)
                    + " bytes on subject " + subject + " beyond the credit it was given (" + windowMessages + " / "
                    + windowBytes + ")");
        }
    }

    @Override
    public void consumed(ClusterMessage message) {
        consumed(message.payload().length);
    }

    /** The token is the message's sequence number: the session sends its sender the refusal. */
    @Override
    public void refused(ClusterMessage message, long token) {
        announcer.refusedAtHandOff(this, message, token);
    }

    void consumed(int bytes) {
        consumed(1, bytes);
    }

    @Override
    public void consumed(int count, long bytes) {
        long messages = consumedMessages.addAndGet(count);
        long total = consumedBytes.addAndGet(bytes);
        if (messages == receivedMessages.get() || messages - announcedMessages >= Math.max(1, windowMessages / 4)
                || total - announcedBytes >= windowBytes / 4) {
            if (due.compareAndSet(false, true)) {
                announcer.creditDue(this);
            }
        }
    }

    /** The totals to announce now (under the session's lock, on the writing stream); marks them told. */
    long[] announce() {
        due.set(false);
        long messages = consumedMessages.get();
        long bytes = consumedBytes.get();
        announcedMessages = messages;
        announcedBytes = bytes;
        return new long[] {messages, bytes};
    }

    /** Whether the peer holds credit it has not been told about (after a reset, everything is told again). */
    boolean anythingConsumed() {
        return consumedMessages.get() > 0;
    }

    long outstandingMessages() {
        return receivedMessages.get() - consumedMessages.get();
    }

    /** Messages consumed whose credit was not yet announced. */
    long untoldMessages() {
        return consumedMessages.get() - announcedMessages;
    }
}
