package org.cohort.sim.net;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One direction between two hosts of a {@link SimNetwork}: its conditions (latency, jitter, bandwidth),
 * each the network's default until set here, and what the link is doing now (what waits for its turn
 * to be sent, whether it is cut, what waits for the cut to heal).
 *
 * <p>A link carries every stream between its two hosts, in that direction: with a bandwidth, their
 * segments take turns on it, one after the other, as on one wire; with none, a segment leaves at once.
 */
public final class SimLink {

    /** A bandwidth without limit: a segment takes no time to send, only to cross. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final SimNetwork network;
    private final String fromHost;
    private final String toHost;
    /** Null while the network's default holds. */
    private Long latencyNanos;
    private Long jitterNanos;
    private Long bytesPerSecond;
    /** The segments waiting for their turn, oldest first, and whether one is being sent now. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private boolean sending;
    /** The trace's label for a segment's last byte leaving. */
    private final String sendLabel;
    private boolean cut;
    /** Arrivals waiting for the cut to heal, oldest first. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();

    SimLink(SimNetwork network, String fromHost, String toHost) {
        this.network = network;
        this.fromHost = fromHost;
        this.toHost = toHost;
        this.sendLabel = fromHost + ">" + toHost + " sent a segment";
    }

    public String fromHost() {
        return fromHost;
    }

    public String toHost() {
        return toHost;
    }

    /** This link's one-way latency, instead of the network's. */
    public SimLink latency(Duration latency) {
        this.latencyNanos = nonNegative(latency, "latency");
        return this;
    }

    /** Up to this much more than the latency, drawn per segment, instead of the network's jitter. */
    public SimLink jitter(Duration jitter) {
        this.jitterNanos = nonNegative(jitter, "jitter");
        return this;
    }

    /** This link's bandwidth in bytes a second ({@link #UNLIMITED}: none), instead of the network's. */
    public SimLink bandwidth(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a bandwidth of " + bytesPerSecond + " bytes a second");
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Back to the network's defaults, for every condition. */
    public SimLink defaults() {
        latencyNanos = null;
        jitterNanos = null;
        bytesPerSecond = null;
        return this;
    }

    public Duration latency() {
        return Duration.ofNanos(latencyNanos());
    }

    public Duration jitter() {
        return Duration.ofNanos(jitterNanos());
    }

    public long bandwidth() {
        return bytesPerSecond != null ? bytesPerSecond : network.defaultBandwidth();
    }

    long latencyNanos() {
        return latencyNanos != null ? latencyNanos : network.defaultLatencyNanos();
    }

    long jitterNanos() {
        return jitterNanos != null ? jitterNanos : network.defaultJitterNanos();
    }

    /**
     * Gives the link {@code bytes} to send: they go after whatever it is still sending, each segment
     * taking its size over the bandwidth in force when its turn comes (so a link restored to full speed
     * sends what still waits at full speed, as a real one would), and {@code sent} runs when its last byte
     * has left. On a link of unlimited bandwidth with nothing waiting, {@code sent} runs at once. A
     * segment no longer {@code wanted} when its turn comes (its stream was reset) takes no time and is
     * never sent.
     */
    void send(int bytes, Runnable sent, java.util.function.BooleanSupplier wanted) {
        if (waiting.isEmpty() && !sending && bandwidth() == UNLIMITED) {
            sent.run(); // nothing to wait for: with no bandwidth, nobody is ever "still sending"
            return;
        }
        waiting.add(new Waiting(bytes, sent, wanted));
        if (!sending) {
            sendNext();
        }
    }

    /** Starts sending the segment at the head of the queue (its time from the bandwidth in force now). */
    private void sendNext() {
        Waiting polled = waiting.poll();
        while (polled != null && !polled.wanted.getAsBoolean()) {
            polled = waiting.poll(); // its stream was reset: the kernel dropped what it had not sent yet
        }
        Waiting next = polled;
        if (next == null) {
            sending = false;
            return;
        }
        long bandwidth = bandwidth();
        if (bandwidth == UNLIMITED) {
            next.sent.run();
            sendNext();
            return;
        }
        sending = true;
        long byteNanos = (long) next.bytes * NANOS_PER_SECOND;
        // Rounded up: a segment never leaves before its last byte could have.
        long nanos = byteNanos / bandwidth + (byteNanos % bandwidth == 0 ? 0 : 1);
        network.simulation().schedule(nanos, sendLabel, () -> {
            next.sent.run();
            sendNext();
        });
    }

    /** A segment waiting for its turn on the link. */
    private record Waiting(int bytes, Runnable sent, java.util.function.BooleanSupplier wanted) {
    }

    boolean isCut() {
        return cut;
    }

    void cut(boolean cut) {
        this.cut = cut;
    }

    ArrayDeque<Runnable> held() {
        return held;
    }

    private static long nonNegative(Duration duration, String what) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a negative " + what + ": " + duration);
        }
        return duration.toNanos();
    }

    @Override
    public String toString() {
        return fromHost + ">" + toHost;
    }
}
