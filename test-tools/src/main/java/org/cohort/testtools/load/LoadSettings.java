package org.cohort.testtools.load;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.cohort.api.cluster.NodeId;

/**
 * What one background load does, checked against the caps: how (mode), how fast, how long, how large,
 * and to which nodes.
 *
 * @param mode unicast, broadcast, request or deliver
 * @param rate messages (or requests, or broadcasts) per second in total, 1 to {@value #MAX_RATE}; spread
 *     over the targets in turn
 * @param durationSeconds 1 to {@value #MAX_DURATION_SECONDS}
 * @param sizeBytes padding bytes per message, 0 to {@value #MAX_SIZE_BYTES} (16 MiB, Cohort's default
 *     frame size: a message that does not fit a frame is refused and counted)
 * @param timeout each request's timeout, 1 ms to {@value #MAX_TIMEOUT_MS} ms (request mode); in deliver
 *     mode how long the load waits at its end for the outcomes still pending
 * @param targets the receiving nodes, 1 to {@value #MAX_TARGETS} of them; none for broadcast
 */
public record LoadSettings(Mode mode, int rate, int durationSeconds, int sizeBytes, Duration timeout,
        List<NodeId> targets) {

    /** The highest rate, per second. */
    public static final int MAX_RATE = 100_000;
    /** The longest load, in seconds. */
    public static final int MAX_DURATION_SECONDS = 3600;
    /** The largest padding, in bytes. */
    public static final int MAX_SIZE_BYTES = 16 * 1024 * 1024;
    /** The longest request timeout, in milliseconds. */
    public static final int MAX_TIMEOUT_MS = 60_000;
    /** The most target nodes. */
    public static final int MAX_TARGETS = 64;

    /** How the load sends. */
    public enum Mode {
        /** One-way messages to the targets in turn. */
        UNICAST,
        /** One-way messages to every other ACTIVE member at once. */
        BROADCAST,
        /** Requests to the targets in turn, each waiting for its reply. */
        REQUEST,
        /**
         * One-way messages to the targets in turn through {@code deliver}: each one's future says whether
         * the receiver took it, and the sender keeps what each said (example:sent).
         */
        DELIVER;

        /** @return the name as typed in the shell */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads a mode as typed in the shell.
         *
         * @param text unicast, broadcast or request
         * @return the mode
         * @throws IllegalArgumentException for anything else
         */
        public static Mode parse(String text) {
            for (Mode mode : values()) {
                if (mode.id().equals(text)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("mode must be unicast, broadcast, request or deliver, not '" + text
                    + "'");
        }
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for a value out of its range, targets given to a broadcast, or
     *     none given to another mode
     */
    public LoadSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        targets = List.copyOf(targets);
        check("rate", rate, 1, MAX_RATE, "per second");
        check("duration", durationSeconds, 1, MAX_DURATION_SECONDS, "seconds");
        check("size", sizeBytes, 0, MAX_SIZE_BYTES, "bytes");
        if (timeout.toMillis() < 1 || timeout.toMillis() > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("timeout must be 1 to " + MAX_TIMEOUT_MS + " ms, got "
                    + timeout.toMillis());
        }
        if (mode == Mode.BROADCAST && !targets.isEmpty()) {
            throw new IllegalArgumentException("a broadcast goes to every other ACTIVE member: name no node");
        }
        if (mode != Mode.BROADCAST && targets.isEmpty()) {
            throw new IllegalArgumentException("a " + mode.id() + " load needs at least one node");
        }
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("at most " + MAX_TARGETS + " nodes, got " + targets.size());
        }
    }

    private static void check(String name, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + " " + unit + ", got " + value);
        }
    }

    /** @return how many messages the load sends if it keeps pace: rate times duration */
    public long planned() {
        return (long) rate * durationSeconds;
    }
}
