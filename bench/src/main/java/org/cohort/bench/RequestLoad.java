package org.cohort.bench;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The requests of a request-reply workload, from node 1 to node 2: one at a time on the sender's thread,
 * or pipelined with at most {@link Workload#window} outstanding. Checks that every reply echoes its
 * request and records the round trip.
 */
final class RequestLoad {

    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Workload workload;
    private final Transport transport;
    private final BooleanSupplier sending;
    private final LongAdder creditWaits;
    private final Map<String, LongAdder> failures;
    private final Semaphore outstanding;
    private final LongAdder requests = new LongAdder();
    private final LongAdder replies = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
    /** Only the sender's thread numbers requests. */
    private long seq;

    /**
     * @param workload the payload size and the most requests outstanding
     * @param transport what to send through
     * @param sending whether the load is still to send
     * @param creditWaits counts the waits for a free slot
     * @param failures the node's failures by kind, where failed requests are counted
     */
    RequestLoad(Workload workload, Transport transport, BooleanSupplier sending, LongAdder creditWaits,
            Map<String, LongAdder> failures) {
        this.workload = workload;
        this.transport = transport;
        this.sending = sending;
        this.creditWaits = creditWaits;
        this.failures = failures;
        this.outstanding = new Semaphore(workload.window);
    }

    /** Sends requests on the calling thread until sending stops. */
    void run() {
        if (workload.window == 1) {
            requestOneAtATime();
        } else {
            requestPipelined();
        }
    }

    /** Waits for a permit while sending; false once sending stops. */
    private boolean acquire(Semaphore semaphore) {
        if (semaphore.tryAcquire()) {
            return true;
        }
        creditWaits.increment();
        try {
            while (sending.getAsBoolean()) {
                if (semaphore.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void requestOneAtATime() {
        byte[] payload = new byte[workload.payloadBytes];
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        while (sending.getAsBoolean()) {
            buffer.putLong(0, ++seq);
            requests.increment();
            long start = System.nanoTime();
            try {
                byte[] reply = transport.requestAndWait(2, payload);
                latency.recordValue(Math.min(System.nanoTime() - start, MAX_LATENCY_NANOS));
                replied(seq, reply);
            } catch (ExecutionException e) {
                failed(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failed(e);
            }
        }
    }

    private void requestPipelined() {
        while (sending.getAsBoolean()) {
            if (!acquire(outstanding)) {
                break;
            }
            long mySeq = ++seq;
            byte[] payload = new byte[workload.payloadBytes]; // a new array per request: see sendOneWay
            ByteBuffer.wrap(payload).putLong(0, mySeq);
            requests.increment();
            long start = System.nanoTime();
            CompletableFuture<byte[]> future;
            try {
                future = transport.request(2, payload);
            } catch (RuntimeException e) {
                failed(e);
                outstanding.release();
                continue;
            }
            future.whenComplete((reply, error) -> {
                if (error == null) {
                    latency.recordValue(Math.min(System.nanoTime() - start, MAX_LATENCY_NANOS));
                    replied(mySeq, reply);
                } else {
                    failed(error instanceof CompletionException ? error.getCause() : error);
                }
                outstanding.release();
            });
        }
    }

    private void replied(long seq, byte[] reply) {
        if (reply.length != workload.payloadBytes || ByteBuffer.wrap(reply).getLong(0) != seq) {
            mismatches.increment();
        }
        replies.increment();
    }

    private void failed(Throwable error) {
        failures.computeIfAbsent(error.getClass().getSimpleName(), key -> new LongAdder()).increment();
    }

    /**
     * Waits (until the deadline at most) for the requests still out.
     *
     * @param deadline in {@link System#nanoTime()}
     */
    void awaitOutstanding(long deadline) throws InterruptedException {
        while (outstanding.availablePermits() < workload.window && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    long requests() {
        return requests.sum();
    }

    long replies() {
        return replies.sum();
    }

    long mismatches() {
        return mismatches.sum();
    }

    /** @return the round trips recorded since the previous call */
    Histogram intervalLatency() {
        return latency.getIntervalHistogram();
    }
}
