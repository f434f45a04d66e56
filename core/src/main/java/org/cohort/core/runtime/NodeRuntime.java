package org.cohort.core.runtime;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything nondeterministic a node uses, in one place: time, randomness, scheduling and the
 * transport. Every Cohort component takes it from outside, in production too, so that a simulation can
 * run a whole cluster on one thread and one virtual clock, replayable from a seed.
 *
 * @param clock the node's clocks
 * @param randomness the node's one source of randomness
 * @param scheduling the node's executors and timers
 * @param transport makes the node's transport, once per start of its connection manager
 */
public record NodeRuntime(NodeClock clock, Randomness randomness, Scheduling scheduling,
        Supplier<StreamTransport> transport) {

    public NodeRuntime {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(randomness, "randomness");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(transport, "transport");
    }
}
