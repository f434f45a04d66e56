package org.cohort.bench;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One node's part of a workload, on any {@link Transport}: generating load, receiving it, checking it
 * (sequence per sender, echo contents) and counting it.
 *
 * <p>One-way payloads start with {@code [u64 sequence][u32 sender]}; credits are {@code [u32 receiver][u64
 * highest sequence received from the sender]}: the sender keeps at most the window beyond it. Load may be
 * stopped and started again; sequences go on. Requests start with {@code [u64 sequence]} and the reply must echo them.
 * {@link LoadReceiver} receives and checks one-way messages, {@link RequestLoad} sends and checks requests; {@link JvmFigures} adds what the JVM spent.
 */
final class Load {

    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long CREDIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Workload workload;
    private final Transport transport;
    private final int self;
    private final List<Integer> targets;
    /** Per peer: the highest sequence it says it received. */
    private final AtomicLongArray credited;
    private long seq;
    private final LongAdder sent = new LongAdder();
    private final LongAdder expected = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder creditWaits = new LongAdder();
    private final LongAdder creditTimeouts = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LoadReceiver receiver;
    private final RequestLoad requestLoad;
    private volatile boolean sending;
    private volatile Thread sender;

    Load(Workload workload, Transport transport, int self) {
        this.workload = workload;
        this.transport = transport;
        this.self = self;
        this.targets = workload.kind == Workload.Kind.BROADCAST ? transport.peers() : List.of(2);
        this.credited = new AtomicLongArray(workload.nodes + 1);
        this.receiver = new LoadReceiver(workload, transport, self, failures);
        this.requestLoad = new RequestLoad(workload, transport, () -> sending, creditWaits, failures);
    }

    /** Installs the handlers; before the transport starts. */
    void install() {
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            transport.onRequest(request -> request); // the echo
        } else {
            transport.onMessage(Transport.Lane.DATA, receiver::onData);
            transport.onMessage(Transport.Lane.CREDIT, this::onCredit);
        }
    }

    // ---- sending ----

    /** A receiver's credit: on one thread per receiver. */
    private void onCredit(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int peer = buffer.getInt(0);
        credited.accumulateAndGet(peer, buffer.getLong(4), Math::max);
        Thread waiting = sender;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    void startSending() {
        if (!workload.sends(self) || sender != null) {
            return;
        }
        sending = true;
        Runnable body = switch (workload.kind) {
            case ONE_WAY, BROADCAST -> this::sendOneWay;
            case REQUEST_REPLY -> requestLoad::run;
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
                // A peer that refused this one sees a gap in the sender's sequence, not a drop.
                int accepted = transport.broadcast(Transport.Lane.DATA, payload);
                refused.add(targets.size() - accepted);
                expected.add(accepted);
            } else {
                while (!transport.send(targets.get(0), Transport.Lane.DATA, payload)) {
                    refused.increment();
                    if (!sending) {
                        seq--;
                        break outer;
                    }
                    Thread.onSpinWait();
                }
                expected.increment();
            }
            sent.increment();
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
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            requestLoad.awaitOutstanding(deadline);
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
        values.put("received", receiver.received());
        values.put("receivedBytes", receiver.receivedBytes());
        values.put("gaps", receiver.gaps());
        values.put("outOfOrder", receiver.outOfOrder());
        values.put("creditWaits", creditWaits.sum());
        values.put("creditTimeouts", creditTimeouts.sum());
        values.put("requests", requestLoad.requests());
        values.put("replies", requestLoad.replies());
        values.put("mismatches", requestLoad.mismatches());
        values.put("failures", failures.values().stream().mapToLong(LongAdder::sum).sum());
        failures.forEach((kind, count) -> values.put("failure." + kind, count.sum()));
        Histogram interval = requestLoad.intervalLatency();
        values.put("lat.count", interval.getTotalCount());
        values.put("lat.p50", interval.getValueAtPercentile(50));
        values.put("lat.p90", interval.getValueAtPercentile(90));
        values.put("lat.p99", interval.getValueAtPercentile(99));
        values.put("lat.p999", interval.getValueAtPercentile(99.9));
        values.put("lat.max", interval.getMaxValue());
        values.put("lat.mean", interval.getMean());
        JvmFigures.putInto(values);
        transport.counters().forEach(values::put);
        return values;
    }
}
