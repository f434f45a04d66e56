package org.cohort.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One node's part of a workload, on any {@link Transport}: generating load, receiving it, checking it
 * (sequence per sender, echo contents) and counting it.
 *
 * <p>One-way payloads start with {@code [u64 sequence][u32 sender]}; credits are {@code [u32 receiver][u64
 * highest sequence received from the sender]}: the sender keeps at most the window beyond it. Load may be
 * stopped and started again; sequences go on. Requests start with {@code [u64 sequence]} and the reply must echo them.
 */
final class Load {

    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long CREDIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Workload workload;
    private final Transport transport;
    private final int self;
    private final List<Integer> targets;
    /** Per peer: the highest sequence it says it received. */
    private final AtomicLongArray credited;
    private final Semaphore outstanding;
    /** Per sender: the next sequence expected, the highest received and the highest credited back. */
    private final long[] nextSeq;
    private final long[] receivedFrom;
    private final long[] creditedFrom;
    private long seq;
    private final LongAdder sent = new LongAdder();
    private final LongAdder expected = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder replies = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final LongAdder creditWaits = new LongAdder();
    private final LongAdder creditTimeouts = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
    private volatile boolean sending;
    private volatile Thread sender;

    Load(Workload workload, Transport transport, int self) {
        this.workload = workload;
        this.transport = transport;
        this.self = self;
        this.targets = workload.kind == Workload.Kind.BROADCAST ? transport.peers() : List.of(2);
        this.credited = new AtomicLongArray(workload.nodes + 1);
        this.outstanding = new Semaphore(workload.window);
        this.nextSeq = new long[workload.nodes + 1];
        java.util.Arrays.fill(nextSeq, 1);
        this.receivedFrom = new long[workload.nodes + 1];
        this.creditedFrom = new long[workload.nodes + 1];
    }

    /** Installs the handlers; before the transport starts. */
    void install() {
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            transport.onRequest(request -> request); // the echo
        } else {
            transport.onMessage(Transport.Lane.DATA, this::onData);
            transport.onMessage(Transport.Lane.CREDIT, this::onCredit);
        }
    }

    // ---- receiving ----

    /** On one thread per sender (the subject's executor, or the raw socket's reader). */
    private void onData(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long seq = buffer.getLong(0);
        int from = buffer.getInt(8);
        received.increment();
        receivedBytes.add(payload.length);
        long want = nextSeq[from];
        if (seq == want) {
            nextSeq[from] = seq + 1;
        } else if (seq > want) {
            gaps.add(seq - want);
            nextSeq[from] = seq + 1;
        } else {
            outOfOrder.increment();
        }
        long highest = receivedFrom[from] = Math.max(receivedFrom[from], seq);
        if (highest - creditedFrom[from] >= workload.creditBatch) {
            // The highest sequence received: a credit that waits behind a pause is made good by the next one,
            // and a message lost on the way (a stream closed with it queued) does not shrink the window.
            byte[] credit = ByteBuffer.allocate(12).putInt(self).putLong(highest).array();
            creditedFrom[from] = highest;
            if (!transport.send(from, Transport.Lane.CREDIT, credit)) {
                failures.computeIfAbsent("creditRefused", key -> new LongAdder()).increment();
            }
        }
    }

    private void onCredit(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int peer = buffer.getInt(0);
        credited.accumulateAndGet(peer, buffer.getLong(4), Math::max);
        Thread waiting = sender;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    // ---- sending ----

    void startSending() {
        if (!workload.sends(self) || sender != null) {
            return;
        }
        sending = true;
        Runnable body = switch (workload.kind) {
            case ONE_WAY, BROADCAST -> this::sendOneWay;
            case REQUEST_REPLY -> workload.window == 1 ? this::requestOneAtATime : this::requestPipelined;
        };
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                failures.computeIfAbsent("sender:" + e.getClass().getSimpleName(), key -> new LongAdder()).increment();
                e.printStackTrace();
            }
        }, "bench-load");
        sender = thread;
        thread.start();
    }

    private void sendOneWay() {
        boolean broadcast = workload.kind == Workload.Kind.BROADCAST;
        outer:
        while (sending) {
            for (int peer : targets) {
                if (!awaitCredit(peer)) {
                    break outer;
                }
            }
            // A new array per message, as an application's encoder makes one: the transports may keep the
            // array they are handed until it is written (Cohort's API hands payloads over).
            byte[] payload = new byte[workload.payloadBytes];
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            buffer.putInt(8, self);
            buffer.putLong(0, ++seq);
            if (broadcast) {
                transport.broadcast(Transport.Lane.DATA, payload);
            } else {
                while (!transport.send(targets.get(0), Transport.Lane.DATA, payload)) {
                    refused.increment();
                    if (!sending) {
                        seq--;
                        break outer;
                    }
                    Thread.onSpinWait();
                }
            }
            sent.increment();
            expected.add(targets.size());
        }
    }

    /** Waits while the peer's credit window is full; false once sending stops. */
    private boolean awaitCredit(int peer) {
        if (seq - credited.get(peer) < workload.window) {
            return true;
        }
        creditWaits.increment();
        long since = System.nanoTime();
        while (seq - credited.get(peer) >= workload.window) {
            if (!sending) {
                return false;
            }
            if (System.nanoTime() - since > CREDIT_TIMEOUT_NANOS) {
                // Nothing back for a second: what is out was lost (a stream closed with it queued), or the
                // peer was skipped; the receiver counts the loss as a gap. Go on rather than stall forever.
                creditTimeouts.increment();
                credited.accumulateAndGet(peer, seq, Math::max);
                return true;
            }
            LockSupport.parkNanos(this, 1_000_000);
        }
        return true;
    }

    /** Waits for a permit while sending; false once sending stops. */
    private boolean acquire(Semaphore semaphore) {
        if (semaphore.tryAcquire()) {
            return true;
        }
        creditWaits.increment();
        try {
            while (sending) {
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
        while (sending) {
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
        while (sending) {
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
                    failed(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
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

    /** Stops generating load and waits (bounded) for the requests still out. */
    void stopSending() throws InterruptedException {
        sending = false;
        Thread stopping = sender;
        if (stopping == null) {
            return;
        }
        stopping.join(TimeUnit.NANOSECONDS.toMillis(STOP_WAIT_NANOS));
        sender = null;
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        while (workload.kind == Workload.Kind.REQUEST_REPLY && outstanding.availablePermits() < workload.window
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    // ---- figures ----

    /** Every counter now, and the latency of the requests answered since the previous snapshot. */
    Map<String, Object> snapshot() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("t", System.nanoTime());
        values.put("sent", sent.sum());
        values.put("expected", expected.sum());
        values.put("refused", refused.sum());
        values.put("received", received.sum());
        values.put("receivedBytes", receivedBytes.sum());
        values.put("gaps", gaps.sum());
        values.put("outOfOrder", outOfOrder.sum());
        values.put("creditWaits", creditWaits.sum());
        values.put("creditTimeouts", creditTimeouts.sum());
        values.put("requests", requests.sum());
        values.put("replies", replies.sum());
        values.put("mismatches", mismatches.sum());
        values.put("failures", failures.values().stream().mapToLong(LongAdder::sum).sum());
        failures.forEach((kind, count) -> values.put("failure." + kind, count.sum()));
        Histogram interval = latency.getIntervalHistogram();
        values.put("lat.count", interval.getTotalCount());
        values.put("lat.p50", interval.getValueAtPercentile(50));
        values.put("lat.p90", interval.getValueAtPercentile(90));
        values.put("lat.p99", interval.getValueAtPercentile(99));
        values.put("lat.p999", interval.getValueAtPercentile(99.9));
        values.put("lat.max", interval.getMaxValue());
        values.put("lat.mean", interval.getMean());
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        values.put("cpu", os.getProcessCpuTime());
        // The application's threads only: without the JIT compiler, GC and VM threads.
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long appCpu = 0;
        for (long id : threads.getAllThreadIds()) {
            appCpu += Math.max(0, threads.getThreadCpuTime(id));
        }
        values.put("appCpu", appCpu);
        values.put("jitMs", ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        values.put("gc.count", gcCount);
        values.put("gc.ms", gcMillis);
        transport.counters().forEach(values::put);
        return values;
    }
}
