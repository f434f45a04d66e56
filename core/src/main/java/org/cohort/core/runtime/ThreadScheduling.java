package org.cohort.core.runtime;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Production scheduling: every executor and every timer its own thread, named {@code cohort-<name>}.
 * Executors are Netty's {@link DefaultEventExecutor} (serial, schedules on the system's monotonic
 * clock); timers are {@link HashedWheelTimer}s started with their first timeout.
 */
public final class ThreadScheduling implements Scheduling {

    /** 512 ticks: with 10 ms ticks one turn of the wheel covers the default 5 s request timeout. */
    private static final int WHEEL_TICKS = 512;

    @Override
    public EventExecutor newSerialExecutor(String name) {
        return new DefaultEventExecutor(new DefaultThreadFactory("cohort-" + name));
    }

    @Override
    public Timer newTimer(String name, long tickMillis) {
        return new HashedWheelTimer(new DefaultThreadFactory("cohort-" + name), tickMillis, TimeUnit.MILLISECONDS,
                WHEEL_TICKS);
    }
}
