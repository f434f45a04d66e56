package org.cohort.testtools.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.load.LoadRun.Failure;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.send.Refusal;

/**
 * The requests of a request-mode load: sends them within the in-flight limit, keeps the ones still
 * waiting for their reply, and counts how and when each completed. Replies are counted on the thread that
 * completes them; the figures may be read from any thread.
 */
final class RequestTracker {

    private final LoadSettings settings;
    private final LoadSender sender;
    private final SendTally tally;
    private final LongSupplier nanoTime;
    private final byte[] padding;
    private final Semaphore inFlight = new Semaphore(LoadRun.MAX_IN_FLIGHT);

    private final LongAdder skippedInFlightLimit = new LongAdder();
    private final LongAdder replies = new LongAdder();
    private final AtomicLongArray failures = new AtomicLongArray(Failure.values().length);
    private final LatencySample latencyMicros = new LatencySample();
    /** The requests waiting for their reply: a request's number in this load to when it was sent. */
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final LongAdder late = new LongAdder();
    private final AtomicLong slowestCompletionNanos = new AtomicLong();
    private final AtomicLong overshootNanos = new AtomicLong();
    /** Only the load thread numbers requests. */
    private long requestCount;

    /**
     * @param settings the timeout of every request
     * @param sender what to send through
     * @param tally where sent and refused requests are counted
     * @param nanoTime the monotonic clock the load runs on
     * @param padding the padding of every request, null for none
     */
    RequestTracker(LoadSettings settings, LoadSender sender, SendTally tally, LongSupplier nanoTime, byte[] padding) {
        this.settings = settings;
        this.sender = sender;
        this.tally = tally;
        this.nanoTime = nanoTime;
        this.padding = padding;
    }

    /** Sends one request to the node, unless {@link LoadRun#MAX_IN_FLIGHT} already wait for replies. */
    void request(NodeId to) {
        if (!inFlight.tryAcquire()) {
            skippedInFlightLimit.increment();
            return;
        }
        long sentAt = nanoTime.getAsLong();
        Optional<LaneSender.Request> request;
        try {
            request = sender.request(to, LoadRun.TEXT, padding, settings.timeout());
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        if (request.isEmpty()) {
            inFlight.release();
            tally.refused(Refusal.NOT_SERIALIZABLE);
            return;
        }
        tally.countRequest(to, request.get().bytes());
        long number = requestCount++;
        pending.put(number, sentAt);
        long lateNanos = settings.timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(LoadRun.LATE_MARGIN_MILLIS);
        request.get().reply().whenComplete((reply, error) -> {
            try {
                pending.remove(number);
                long took = nanoTime.getAsLong() - sentAt;
                slowestCompletionNanos.accumulateAndGet(took, Math::max);
                overshootNanos.accumulateAndGet(took - settings.timeout().toNanos(), Math::max);
                if (took > lateNanos) {
                    late.increment();
                }
                if (error == null) {
                    replies.increment();
                    latencyMicros.record((nanoTime.getAsLong() - sentAt) / 1_000);
                } else {
                    failures.incrementAndGet(Failure.of(error).ordinal());
                }
            } finally {
                inFlight.release();
            }
        });
    }

    /**
     * Waits for the requests still out, at most the timeout plus {@link LoadRun#GRACE_MILLIS}; an interrupt
     * cuts it short.
     *
     * @return what to add to the end reason: empty, or how many replies were still out
     */
    String awaitReplies() {
        long waitMillis = settings.timeout().toMillis() + LoadRun.GRACE_MILLIS;
        try {
            if (inFlight.tryAcquire(LoadRun.MAX_IN_FLIGHT, waitMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(LoadRun.MAX_IN_FLIGHT);
            } else {
                return "; " + (LoadRun.MAX_IN_FLIGHT - inFlight.availablePermits()) + " replies still out after "
                        + waitMillis + " ms";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** @return how many failed requests of each kind, in the order of {@link Failure} */
    Map<Failure, Long> failures() {
        Map<Failure, Long> byType = new LinkedHashMap<>();
        for (Failure failure : Failure.values()) {
            byType.put(failure, failures.get(failure.ordinal()));
        }
        return byType;
    }

    long skippedInFlightLimit() {
        return skippedInFlightLimit.sum();
    }

    long replies() {
        return replies.sum();
    }

    int pending() {
        return pending.size();
    }

    /**
     * @param now the monotonic time now
     * @return when the oldest request still waiting was sent, or {@code now} if none waits
     */
    long oldestPendingSentAt(long now) {
        return pending.values().stream().mapToLong(Long::longValue).reduce(now, (a, b) -> a - b <= 0 ? a : b);
    }

    long late() {
        return late.sum();
    }

    long slowestCompletionNanos() {
        return slowestCompletionNanos.get();
    }

    long overshootNanos() {
        return overshootNanos.get();
    }

    LatencySample.Summary latency() {
        return latencyMicros.summary();
    }
}
