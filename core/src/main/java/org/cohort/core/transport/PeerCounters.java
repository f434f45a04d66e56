package org.cohort.core.transport;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;

/**
 * What passed between this node and one peer, over all the streams it has had; the delivery counters
 * count for the message's subject too ({@link SubjectTallies}, shared by every peer of the node).
 */
final class PeerCounters {

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();
    private final DeliveryTally delivery = new DeliveryTally();
    private final SubjectTallies subjects;

    PeerCounters(SubjectTallies subjects) {
        this.subjects = subjects;
    }

    /** A peer's counters whose subjects nobody reads (tests, a detached stream). */
    PeerCounters() {
        this(new SubjectTallies());
    }

    /** The subject's counters, for the counting methods that take them (found once, not per message). */
    DeliveryTally tally(MessageSubject subject) {
        return subjects.of(subject);
    }

    /** Numbered and written for the first time. */
    void sent(DeliveryTally subject) {
        delivery.sent.increment();
        subject.sent.increment();
    }

    /** Acknowledged by the peer: accepted for its subscriber. */
    void acked(DeliveryTally subject) {
        delivery.acked.increment();
        subject.acked.increment();
    }

    /** Written again on a new stream. */
    void resent(MessageSubject subject) {
        delivery.resent.increment();
        subjects.of(subject).resent.increment();
    }

    /** Arrived from the peer on a replaced stream and not handed on (the peer resends it). */
    void duplicate(MessageSubject subject) {
        delivery.duplicates.increment();
        subjects.of(subject).duplicates.increment();
    }

    void failedBack(DeliveryOutcome reason, MessageSubject subject) {
        delivery.failedBack(reason);
        subjects.of(subject).failedBack(reason);
    }

    void refused(SendResult reason, MessageSubject subject) {
        delivery.refused(reason);
        subjects.of(subject).refused(reason);
    }

    /** The delivery counters by name: sent, acked, resent, duplicates, failedBack.*, refused.*. */
    Map<String, Long> delivery() {
        return delivery.snapshot();
    }

    PeerStats snapshot(long queueBytes, long resendBytes, boolean connected) {
        return new PeerStats(connected, messagesIn.sum(), messagesOut.sum(), bytesIn.sum(), bytesOut.sum(), queueBytes,
                Math.max(0, streamsOpened.sum() - 1), resendBytes, delivery());
    }
}
