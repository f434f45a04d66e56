package org.cohort.core.transport;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.api.messaging.SendResult;

/** What passed between this node and one peer, over all the streams it has had. */
final class PeerCounters {

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();
    /** Messages numbered and written for the first time, acknowledged, and written again on a new stream. */
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder resent = new LongAdder();
    /** Messages that arrived twice (a resend of what had arrived) and were not handed on again. */
    final LongAdder duplicates = new LongAdder();
    private final Map<DeliveryOutcome, LongAdder> failedBack = new EnumMap<>(DeliveryOutcome.class);
    private final Map<SendResult, LongAdder> refused = new EnumMap<>(SendResult.class);

    PeerCounters() {
        for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
            failedBack.put(outcome, new LongAdder());
        }
        for (SendResult result : SendResult.values()) {
            if (!result.accepted()) {
                refused.put(result, new LongAdder());
            }
        }
    }

    void failedBack(DeliveryOutcome reason) {
        failedBack.get(reason).increment();
    }

    void refused(SendResult reason) {
        LongAdder counter = refused.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }

    /** The delivery counters by name: sent, acked, resent, duplicates, failedBack.*, refused.*. */
    Map<String, Long> delivery() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("sent", sent.sum());
        values.put("acked", acked.sum());
        values.put("resent", resent.sum());
        values.put("duplicates", duplicates.sum());
        failedBack.forEach((reason, counter) -> values.put("failedBack." + reason.key, counter.sum()));
        refused.forEach((reason, counter) -> values.put("refused." + reason.name(), counter.sum()));
        return values;
    }

    PeerStats snapshot(long queueBytes, long resendBytes, boolean connected) {
        return new PeerStats(connected, messagesIn.sum(), messagesOut.sum(), bytesIn.sum(), bytesOut.sum(), queueBytes,
                Math.max(0, streamsOpened.sum() - 1), resendBytes, delivery());
    }
}
