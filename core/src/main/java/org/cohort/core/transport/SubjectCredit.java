package org.cohort.core.transport;

import io.netty.handler.codec.CorruptedFrameException;
import org.cohort.api.messaging.MessageSubject;

/**
 * A sender's credit for one subject at one peer: what it sent and what the peer says its subscriber
 * consumed, both totals since the session began, so that a lost or repeated credit frame can neither
 * leak credit nor give it twice. The peer's window (from its RESUME) bounds the difference. Guarded by
 * the session's lock.
 */
final class SubjectCredit {

    final MessageSubject subject;
    /** The node's counters for the subject, looked up once rather than per message. */
    final DeliveryTally tally;
    private long sentMessages;
    private long sentBytes;
    private long consumedMessages;
    private long consumedBytes;

    SubjectCredit(MessageSubject subject, DeliveryTally tally) {
        this.subject = subject;
        this.tally = tally;
    }

    /**
     * Whether a message of {@code bytes} may go now: within the window in messages, and in bytes unless
     * nothing is outstanding (a message larger than the byte window still goes, alone).
     */
    boolean allows(long bytes, int windowMessages, long windowBytes) {
        long outstanding = sentMessages - consumedMessages;
        return outstanding < windowMessages
                && (outstanding == 0 || sentBytes - consumedBytes + bytes <= windowBytes);
    }

    void sent(long bytes) {
        sentMessages++;
        sentBytes += bytes;
    }

    /**
     * The peer's totals for the subject.
     *
     * @return true if they gave credit back
     * @throws CorruptedFrameException if they claim more than was sent or less than before
     */
    boolean consumed(long messages, long bytes) {
        if (messages > sentMessages || bytes > sentBytes) {
            throw new CorruptedFrameException("credit for " + messages + " messages / " + bytes + " bytes on subject "
                    + subject + ", of " + sentMessages + " / " + sentBytes + " sent");
        }
        if (messages < consumedMessages || bytes < consumedBytes) {
            throw new CorruptedFrameException("credit on subject " + subject + " went back from " + consumedMessages
                    + " to " + messages + " messages");
        }
        boolean more = messages > consumedMessages;
        consumedMessages = messages;
        consumedBytes = bytes;
        return more;
    }

    long outstandingMessages() {
        return sentMessages - consumedMessages;
    }
}
