package org.cohort.core.detection;

import org.cohort.core.config.FailureDetectionSettings;

/**
 * Decides whether a peer has fallen silent, from its heartbeats and its other bytes, with a
 * phi-accrual failure detector. No framework and no clock: every call is given the time, in
 * nanoseconds of a monotonic clock.
 *
 * <p>A peer from which any bytes arrived within the acceptable pause is never judged silent, whatever
 * its heartbeats say. And a peer is not blamed for this node's own stalls: a tick that runs later than
 * due by more than half an interval shows that this node's event loop was kept from running (a GC or
 * JIT storm, a starved host, a long burst of other work) and could not have read the peer meanwhile, so
 * the stall beyond that half interval does not count as the peer's silence (see
 * {@link PhiAccrualFailureDetector#localStall}). Jitter under half an interval is never excused, so a
 * frozen peer is judged exactly as before while this node runs on time.
 *
 * <p>Not thread-safe: one stream's event loop uses it.
 */
public final class SilenceVerdict {

    private FailureDetectionSettings settings;
    private PhiAccrualFailureDetector detector;
    private long lastReadNanos;
    /** This node's stalls excused since the peer was last heard, for the log line when it is judged silent. */
    private long excusedNanos;

    /** A verdict whose history starts now, as if a heartbeat had just arrived (the hello did). */
    public SilenceVerdict(FailureDetectionSettings settings, long nowNanos) {
        restart(settings, nowNanos);
    }

    /** Judges by new settings from now on, with a fresh history (the old one was gathered at another interval). */
    public void restart(FailureDetectionSettings next, long nowNanos) {
        settings = next;
        detector = new PhiAccrualFailureDetector(next);
        detector.heartbeat(nowNanos);
        lastReadNanos = nowNanos;
        excusedNanos = 0;
    }

    public FailureDetectionSettings settings() {
        return settings;
    }

    /** A frame arrived from the peer; {@code heartbeat} if it was one. */
    public void heard(long nowNanos, boolean heartbeat) {
        lastReadNanos = nowNanos;
        if (heartbeat) {
            detector.heartbeat(nowNanos);
            excusedNanos = 0;
        }
    }

    /**
     * A tick due at {@code dueNanos} ran at {@code nowNanos}: excuses the peer the part of its lateness
     * beyond half an interval, this node's stall.
     *
     * @return the stall excused, in nanoseconds; 0 if the tick ran on time
     */
    public long tickRan(long dueNanos, long nowNanos) {
        long stallStart = dueNanos + settings.heartbeatInterval().toNanos() / 2;
        long stall = nowNanos - stallStart;
        if (stall <= 0) {
            return 0;
        }
        if (detector.lastHeartbeatNanos() - stallStart < 0) {
            detector.localStall(stallStart, nowNanos);
            excusedNanos += stall;
        }
        if (lastReadNanos - stallStart < 0) {
            lastReadNanos += stall; // still before now: it was before the stall began
        }
        return stall;
    }

    /** The peer is silent: its phi is past the threshold and nothing at all arrived within the acceptable pause. */
    public boolean isSilent(long nowNanos) {
        return !detector.isAvailable(nowNanos) && nowNanos - lastReadNanos > settings.acceptablePause().toNanos();
    }

    /** How long since the peer's last heartbeat, this node's excused stalls included, in nanoseconds. */
    public long silenceNanos(long nowNanos) {
        return nowNanos - detector.lastHeartbeatNanos() + excusedNanos;
    }

    /** This node's stalls excused since the peer was last heard, in nanoseconds. */
    public long excusedNanos() {
        return excusedNanos;
    }

    public double phi(long nowNanos) {
        return detector.phi(nowNanos);
    }
}
