package org.cohort.core.runtime;

import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Where Cohort's work runs, other than the streams' event loops (which come with the
 * {@link StreamTransport}): serial executors for node events, the custodian, replies and handlers, and
 * timers for request timeouts. Production starts a named thread for each; a simulation runs them all on
 * its one thread and virtual clock. Whoever asks for an executor or a timer owns it and stops it.
 *
 * <p>Waiting is scheduling too: a thread that starts or stops the node and must wait for the node's own
 * work (a listener bound, a stream closed, a session drained) waits through {@link #await}, which blocks
 * in production and, in a simulation, runs the simulation's events until the work is done, since on its
 * one thread nothing else would.
 */
public interface Scheduling {

    /**
     * A new executor that runs its tasks one at a time in submission order, and schedules on the node's
     * clock. Production: one thread named {@code cohort-<name>}.
     */
    EventExecutor newSerialExecutor(String name);

    /**
     * A new timer for many short timeouts, cheap to schedule and cancel (a hashed wheel in production,
     * ticking every {@code tickMillis}); its thread is named {@code cohort-<name>}.
     */
    Timer newTimer(String name, long tickMillis);

    /**
     * Waits until the future is done. Never on an event loop: the work waited for may need it.
     */
    default void await(Future<?> future) {
        future.awaitUninterruptibly();
    }

    /**
     * Waits until the future is done or {@code timeoutNanos} of the node's time have passed.
     *
     * @return whether it is done
     */
    default boolean await(Future<?> future, long timeoutNanos) {
        return future.awaitUninterruptibly(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }
}
