package org.cohort.core.detection;

import java.util.Objects;
import org.cohort.core.config.FailureDetectionSettings;

/**
 * The phi-accrual failure detector of Hayashibara et al. ("The phi accrual failure detector", 2004), as
 * Akka's {@code PhiAccrualFailureDetector} and ONOS implement it: it does not answer "alive or dead" but
 * how suspicious the current silence is, given the intervals between the heartbeats heard so far.
 *
 * <p>It keeps the last {@link #windowSize()} intervals between heartbeats, their mean and their standard
 * deviation (never below {@link FailureDetectionSettings#minStdDeviation()}). The silence since the last
 * heartbeat is then judged against a normal distribution whose mean is that mean plus
 * {@link FailureDetectionSettings#acceptablePause()}:
 * <pre>
 *   phi(now) = -log10(1 - CDF(now - lastHeartbeat))
 * </pre>
 * phi 1 means a 10 % chance that a heartbeat is merely late, phi 8 one in 10^8. The CDF is the logistic
 * approximation Akka uses: with {@code y = (t - mean) / stddev} and
 * {@code e = exp(-y * (1.5976 + 0.070566 * y * y))}, {@code 1 - CDF(t) = e / (1 + e)}. Akka computes that
 * as {@code e / (1 + e)} above the mean and {@code 1 - 1 / (1 + e)} below it; both are
 * {@code 1 / (1 + exp(z))} with {@code z = y * (1.5976 + 0.070566 * y * y)}, so phi is
 * {@code log10(1 + exp(z))}, computed here in the overflow-free form {@code (max(z, 0) + log1p(exp(-|z|))) / ln 10}:
 * the same values where Akka's are finite, and finite (not infinity) where Akka's overflow.
 *
 * <p>The first heartbeat only starts the clock: it has no interval. Until real intervals arrive, the window
 * holds Akka's first estimate, built from the configured heartbeat interval: the two samples
 * {@code interval - interval/4} and {@code interval + interval/4}, mean {@code interval}, standard deviation
 * {@code interval/4}. So a peer that was heard once (its hello) and never again is judged all the same.
 * Before any heartbeat at all, phi is 0: nothing is expected yet.
 *
 * <p>Time is passed in, in nanoseconds of a monotonic clock ({@link System#nanoTime()}); the detector never
 * reads a clock. A heartbeat at or before the last one (a clock that did not advance) records no interval.
 *
 * <p>Not thread-safe, by design: it belongs to one stream and lives on that stream's event loop.
 */
public final class PhiAccrualFailureDetector {

    /** The default number of intervals kept. */
    public static final int DEFAULT_WINDOW_SIZE = 100;

    /** What phi is capped at; {@link #phi(long)} never returns NaN or infinity. */
    public static final double MAX_PHI = Double.MAX_VALUE;

    private static final double LN_10 = Math.log(10.0);

    private final double threshold;
    private final double minStdDeviationNanos;
    private final double acceptablePauseNanos;

    /** Ring buffer of the last intervals, in nanoseconds. */
    private final long[] intervals;
    private int size;
    private int next;

    private double mean;
    private double stdDeviation;

    private boolean heard;
    private long lastHeartbeatNanos;

    /**
     * Creates a detector keeping {@value #DEFAULT_WINDOW_SIZE} intervals.
     *
     * @param settings the heartbeat interval, threshold, minimum standard deviation and acceptable pause
     */
    public PhiAccrualFailureDetector(FailureDetectionSettings settings) {
        this(settings, DEFAULT_WINDOW_SIZE);
    }

    /**
     * Creates a detector.
     *
     * @param settings the heartbeat interval, threshold, minimum standard deviation and acceptable pause
     * @param windowSize how many of the latest intervals are kept, at least 2
     */
    public PhiAccrualFailureDetector(FailureDetectionSettings settings, int windowSize) {
        Objects.requireNonNull(settings, "settings");
        if (windowSize < 2) {
            throw new IllegalArgumentException("window size must be at least 2, is " + windowSize);
        }
        if (settings.minStdDeviation().isNegative()) {
            throw new IllegalArgumentException("minimum standard deviation must not be negative");
        }
        if (settings.acceptablePause().isNegative()) {
            throw new IllegalArgumentException("acceptable pause must not be negative");
        }
        this.threshold = settings.phiThreshold();
        // at least 1 ns: a zero spread of perfectly regular heartbeats must not divide by zero
        this.minStdDeviationNanos = Math.max(1.0, settings.minStdDeviation().toNanos());
        this.acceptablePauseNanos = settings.acceptablePause().toNanos();
        this.intervals = new long[windowSize];
        long interval = settings.heartbeatInterval().toNanos();
        long spread = interval / 4;
        record(interval - spread);
        record(interval + spread);
    }

    /**
     * A heartbeat arrived.
     *
     * @param nowNanos when, on the monotonic clock the other calls use
     */
    public void heartbeat(long nowNanos) {
        if (heard) {
            long interval = nowNanos - lastHeartbeatNanos;
            if (interval <= 0) {
                return; // the clock did not advance: no interval, and the last heartbeat stays the later one
            }
            record(interval);
        }
        heard = true;
        lastHeartbeatNanos = nowNanos;
    }

    /**
     * This node was not running from {@code fromNanos} to {@code toNanos} (its event loop stalled: a GC or
     * JIT storm, a starved host), so it could not have heard the peer then, and that time is not the peer's
     * silence. A peer last heard before the stall has its silence shortened by the stall's length; one heard
     * at or after its start was read once this node ran again, and nothing changes. The stall also stays
     * out of the next interval recorded, so this node's own pauses do not widen the peer's history.
     *
     * @param fromNanos when this node stopped running, on the clock the other calls use
     * @param toNanos when it ran again, at most now
     */
    public void localStall(long fromNanos, long toNanos) {
        long stall = toNanos - fromNanos;
        if (!heard || stall <= 0 || lastHeartbeatNanos - fromNanos >= 0) {
            return;
        }
        // lastHeartbeat < from, so the result stays before toNanos: silence never turns negative here
        lastHeartbeatNanos += stall;
    }

    /**
     * Returns how suspicious the silence since the last heartbeat is.
     *
     * @param nowNanos the current time, on the monotonic clock {@link #heartbeat(long)} uses
     * @return phi, 0 or more, finite; 0 before the first heartbeat
     */
    public double phi(long nowNanos) {
        if (!heard) {
            return 0.0;
        }
        double silence = Math.max(0L, nowNanos - lastHeartbeatNanos); // a clock running back is no silence
        double y = (silence - (mean + acceptablePauseNanos)) / stdDeviation;
        double z = y * (1.5976 + 0.070566 * y * y);
        // log10(1 + exp(z)), never overflowing; + 0.0 turns -0.0 into 0.0
        double phi = (Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)))) / LN_10 + 0.0;
        return phi >= 0.0 && phi < MAX_PHI ? phi : MAX_PHI; // NaN and infinity become the cap
    }

    /**
     * Returns whether the peer is still deemed alive: phi below the threshold.
     *
     * @param nowNanos the current time, on the monotonic clock {@link #heartbeat(long)} uses
     * @return true while {@link #phi(long)} is below {@link FailureDetectionSettings#phiThreshold()}
     */
    public boolean isAvailable(long nowNanos) {
        return phi(nowNanos) < threshold;
    }

    /**
     * Returns when the last heartbeat arrived.
     *
     * @return its time in nanoseconds, as passed to {@link #heartbeat(long)}; 0 before the first one
     */
    public long lastHeartbeatNanos() {
        return lastHeartbeatNanos;
    }

    /**
     * Returns how many intervals the window holds, the two seed samples of the first estimate included.
     *
     * @return 2 to {@link #windowSize()}
     */
    public int sampleCount() {
        return size;
    }

    /**
     * Returns how many intervals the window keeps at most.
     *
     * @return the window size
     */
    public int windowSize() {
        return intervals.length;
    }

    /**
     * Returns the mean of the intervals in the window.
     *
     * @return nanoseconds
     */
    public double meanIntervalNanos() {
        return mean;
    }

    /**
     * Returns the standard deviation phi is computed with: that of the intervals in the window, or the
     * configured minimum if it is larger.
     *
     * @return nanoseconds, at least 1
     */
    public double stdDeviationNanos() {
        return stdDeviation;
    }

    /** Adds an interval, dropping the oldest if the window is full, and recomputes mean and deviation. */
    private void record(long interval) {
        intervals[next] = interval;
        next = (next + 1) % intervals.length;
        size = Math.min(size + 1, intervals.length);
        // two passes over at most windowSize samples, once per heartbeat: exact, no running sums to drift
        double sum = 0.0;
        for (int i = 0; i < size; i++) {
            sum += intervals[i];
        }
        double m = sum / size;
        double squares = 0.0;
        for (int i = 0; i < size; i++) {
            double d = intervals[i] - m;
            squares += d * d;
        }
        mean = m;
        stdDeviation = Math.max(Math.sqrt(squares / size), minStdDeviationNanos);
    }
}
