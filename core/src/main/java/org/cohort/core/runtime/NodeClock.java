package org.cohort.core.runtime;

import java.time.Instant;

/**
 * Time as Cohort reads it: a monotonic clock for every interval and deadline, and the wall clock only
 * for what a person reads ("since", incarnations). Production reads the system's clocks; a simulation
 * gives every node a virtual clock (skewed per node if it likes), and a test moves one by hand.
 */
public interface NodeClock {

    /** The system's clocks. */
    NodeClock SYSTEM = new NodeClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.now(); // finer than milliseconds where the platform has it
        }
    };

    /** Monotonic nanoseconds, compared only by difference, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Milliseconds since the epoch, like {@link System#currentTimeMillis()}. */
    long currentTimeMillis();

    /** The wall clock as an instant. */
    default Instant instant() {
        return Instant.ofEpochMilli(currentTimeMillis());
    }
}
