package org.cohort.core.transport;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.messaging.MessageSubject;

/**
 * The node's {@link DeliveryTally} per subject, over every peer. Bounded: beyond {@link #MAX_SUBJECTS}
 * subjects, the rest share one tally named {@value #OTHER}. Thread-safe.
 */
final class SubjectTallies {

    static final int MAX_SUBJECTS = 1024;
    static final String OTHER = "(other subjects)";

    private final Map<String, DeliveryTally> bySubject = new ConcurrentHashMap<>();

    DeliveryTally of(MessageSubject subject) {
        DeliveryTally tally = bySubject.get(subject.value());
        if (tally != null) {
            return tally;
        }
        String name = bySubject.size() < MAX_SUBJECTS ? subject.value() : OTHER;
        return bySubject.computeIfAbsent(name, key -> new DeliveryTally());
    }

    /** Every subject's counters, sorted by subject. */
    SortedMap<String, Map<String, Long>> snapshot() {
        SortedMap<String, Map<String, Long>> snapshot = new TreeMap<>();
        bySubject.forEach((subject, tally) -> snapshot.put(subject, tally.snapshot()));
        return snapshot;
    }
}
