package org.cohort.sim.net;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One direction between two hosts of a {@link SimNetwork}: its conditions (latency, jitter, bandwidth),
 * each the network's default until set here, and what the link is doing now (until when it is busy
 * sending, whether it is cut, what waits for the cut to heal).
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
    /** When the link has sent the last byte given to it so far. */
    private long busyUntilNanos;
    private boolean cut;
    /** Arrivals waiting for the cut to heal, oldest first. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();

    SimLink(SimNetwork network, String fromHost, String toHost) {
        this.network = network;
        this.fromHost = fromHost;
        this.toHost = toHost;
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
     * Gives the link {@code bytes} to send at {@code nowNanos}: they go after whatever it is still
     * sending, and take size over bandwidth.
     *
     * @return when their last byte has left
     */
    long send(long nowNanos, int bytes) {
        long bandwidth = bandwidth();
        if (bandwidth == UNLIMITED) {
            return nowNanos; // nothing to wait for: with no bandwidth, nobody is ever "still sending"
        }
        long start = Math.max(nowNanos, busyUntilNanos);
        long byteNanos = (long) bytes * NANOS_PER_SECOND;
        // Rounded up: a segment never leaves before its last byte could have.
        busyUntilNanos = start + byteNanos / bandwidth + (byteNanos % bandwidth == 0 ? 0 : 1);
        return busyUntilNanos;
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
