package org.cohort.testtools.load;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.send.Refusal;
import org.cohort.testtools.send.SentLane;

/**
 * The one-way messages of a deliver-mode load: sends them within the in-flight limit and counts what each
 * one's future said: confirmed (the receiver took it for its subscriber), or failed with an exception,
 * counted by its type, at once (a refusal) or later. The lane sender keeps the same per message, for the
 * reconciliation; these are the load's own totals. Outcomes are counted on the thread that completes
 * them; the figures may be read from any thread.
 */
final class DeliveryTracker {

    private final LoadSettings settings;
    private final LoadSender sender;
    private final SendTally tally;
    private final byte[] padding;
    private final Semaphore inFlight = new Semaphore(LoadRun.MAX_IN_FLIGHT);

    private final LongAdder skippedInFlightLimit = new LongAdder();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder failedAtOnce = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    DeliveryTracker(LoadSettings settings, LoadSender sender, SendTally tally, byte[] padding) {
        this.settings = settings;
        this.sender = sender;
        this.tally = tally;
        this.padding = padding;
    }

    /** Sends one message to the node, unless {@link LoadRun#MAX_IN_FLIGHT} outcomes are still pending. */
    void deliver(NodeId to) {
        if (!inFlight.tryAcquire()) {
            skippedInFlightLimit.increment();
            return;
        }
        Optional<LaneSender.Delivery> delivery;
        try {
            delivery = sender.deliver(to, LoadRun.TEXT, padding);
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        if (delivery.isEmpty()) {
            inFlight.release();
            tally.refused(Refusal.NOT_SERIALIZABLE);
            return;
        }
        tally.countRequest(to, delivery.get().bytes());
        boolean atOnce = delivery.get().outcome().isDone();
        delivery.get().outcome().whenComplete((ok, error) -> {
            try {
                if (error == null) {
                    confirmed.increment();
                } else {
                    failures.computeIfAbsent(SentLane.failureType(error), type -> new LongAdder()).increment();
                    if (atOnce) {
                        failedAtOnce.increment();
                    }
                }
            } finally {
                inFlight.release();
            }
        });
    }

    /**
     * Waits for the outcomes still pending, at most the timeout plus {@link LoadRun#GRACE_MILLIS}; an
     * interrupt cuts it short.
     *
     * @return what to add to the end reason: empty, or how many outcomes were still pending
     */
    String awaitOutcomes() {
        long waitMillis = settings.timeout().toMillis() + LoadRun.GRACE_MILLIS;
        try {
            if (inFlight.tryAcquire(LoadRun.MAX_IN_FLIGHT, waitMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(LoadRun.MAX_IN_FLIGHT);
            } else {
                return "; " + pending() + " outcomes still pending after " + waitMillis + " ms";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** Puts the deliver figures: confirmed, failures by type (at once and later), pending. */
    void putFigures(Map<String, Object> figures) {
        Map<String, Long> byType = new TreeMap<>();
        long failed = 0;
        for (Map.Entry<String, LongAdder> entry : failures.entrySet()) {
            byType.put(entry.getKey(), entry.getValue().sum());
            failed += entry.getValue().sum();
        }
        figures.put("skippedInFlightLimit", skippedInFlightLimit.sum());
        figures.put("confirmed", confirmed.sum());
        figures.put("failures", failed);
        figures.put("failedAtOnce", failedAtOnce.sum());
        figures.put("failuresByType", byType);
        figures.put("pending", pending());
    }

    int pending() {
        return LoadRun.MAX_IN_FLIGHT - inFlight.availablePermits();
    }
}
