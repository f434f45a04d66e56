package org.cohort.core.transport;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.api.messaging.SendResult;

/**
 * What became of the messages accepted for one peer, or on one subject: sent, acknowledged, sent again,
 * arrived twice, failed back and refused, each by reason. Thread-safe.
 */
final class DeliveryTally {

    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder resent = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    private final Map<DeliveryOutcome, LongAdder> failedBack = new EnumMap<>(DeliveryOutcome.class);
    private final Map<SendResult, LongAdder> refused = new EnumMap<>(SendResult.class);

    DeliveryTally() {
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

    /** The counters by name: sent, acked, resent, duplicates, failedBack.&lt;reason&gt;, refused.&lt;RESULT&gt;. */
    Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("sent", sent.sum());
        values.put("acked", acked.sum());
        values.put("resent", resent.sum());
        values.put("duplicates", duplicates.sum());
        failedBack.forEach((reason, counter) -> values.put("failedBack." + reason.key, counter.sum()));
        refused.forEach((reason, counter) -> values.put("refused." + reason.name(), counter.sum()));
        return values;
    }
}
