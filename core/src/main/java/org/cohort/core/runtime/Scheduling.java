package org.cohort.core.runtime;

import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutor;

/**
 * Where Cohort's work runs, other than the streams' event loops (which come with the
 * {@link StreamTransport}): serial executors for node events, the custodian, replies and handlers, and
 * timers for request timeouts. Production starts a named thread for each; a simulation runs them all on
 * its one thread and virtual clock. Whoever asks for an executor or a timer owns it and stops it.
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
}
