package org.cohort.core.runtime;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything nondeterministic a node uses, in one place: time, randomness, scheduling and the
 * transport. Every Cohort component takes it from outside, in production too, so that a simulation can
 * run a whole cluster on one thread and one virtual clock, replayable from a seed.
 *
 * <p>An interface (not a value) so that a DS component can publish the node's one runtime as a service
 * ({@link NodeRuntimeComponent}); {@link #of} and {@link #production()} make plain ones.
 */
public interface NodeRuntime {

    /** The node's clocks. */
    NodeClock clock();

    /** The node's one source of randomness. */
    Randomness randomness();

    /** The node's executors and timers. */
    Scheduling scheduling();

    /** Makes the node's transport, once per start of its connection manager. */
    Supplier<StreamTransport> transport();

    /** A runtime of the given parts. */
    static NodeRuntime of(NodeClock clock, Randomness randomness, Scheduling scheduling,
            Supplier<StreamTransport> transport) {
        return new Parts(clock, randomness, scheduling, transport);
    }

    /**
     * Production: the system's clocks, {@link Randomness#secure()}, a named thread per executor and
     * timer ({@link ThreadScheduling}), and TCP through Netty, native epoll where it loads
     * ({@link TcpTransport#choose()}).
     */
    static NodeRuntime production() {
        return of(NodeClock.SYSTEM, Randomness.secure(), new ThreadScheduling(), TcpTransport::choose);
    }

    /** The parts as given. */
    record Parts(NodeClock clock, Randomness randomness, Scheduling scheduling,
            Supplier<StreamTransport> transport) implements NodeRuntime {

        public Parts {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(randomness, "randomness");
            Objects.requireNonNull(scheduling, "scheduling");
            Objects.requireNonNull(transport, "transport");
        }
    }
}
