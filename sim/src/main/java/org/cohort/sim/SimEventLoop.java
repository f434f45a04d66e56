package org.cohort.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty event loop whose tasks run as events of a {@link Simulation}, on virtual time: what production
 * gives a thread of its own ({@code cohort-io-*}, {@code cohort-custodian-*}, ...), the simulator gives a
 * queue. Tasks run one per event, in the order they were submitted; scheduled tasks become due on the
 * simulation's clock. Between two of its tasks, other loops' tasks may run, in an order the seed draws,
 * as other threads' may in production.
 *
 * <p>{@link #inEventLoop()} is true only while one of this loop's own tasks runs, so that a task of one
 * loop that reaches another's channel goes through {@link #execute}, as it would across threads.
 *
 * <p>Shutting down never waits (nothing may block the simulation's one thread): the channels still
 * registered close (as Netty's NIO and epoll loops close theirs), what is still queued
 * runs at once, scheduled tasks are cancelled, and the loop is terminated when the call returns.
 */
public final class SimEventLoop extends AbstractScheduledEventExecutor implements EventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SimEventLoop.class);
    /** The most tasks a shutdown runs in place (a task that keeps resubmitting itself is cut off). */
    private static final int MAX_TASKS_AT_SHUTDOWN = 100_000;

    private final Simulation simulation;
    private final SimHost host;
    private final String name;
    private final EventLoopGroup group;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Ticker ticker;
    private final Promise<Void> termination = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
    private final Runnable runOne = this::runOne;
    private final String runLabel;
    private final String wakeLabel;
    /** An event that runs this loop's next task is queued at the current instant. */
    private boolean runQueued;
    /** The earliest virtual time a wake-up for scheduled tasks is queued for; MAX_VALUE if none. */
    private long wakeQueuedFor = Long.MAX_VALUE;
    private boolean running;
    private boolean shutDown;
    /** The channels registered with the loop and still open: a shutdown closes them, as Netty's loops do. */
    private final java.util.Set<Channel> channels = new java.util.LinkedHashSet<>();
    /** Until when a task that spent virtual time keeps the loop busy (see {@link Simulation#spend}). */
    private long busyUntilNanos;

    /**
     * A loop of no particular host (it never pauses).
     *
     * @param name the name production would give its thread (it labels the loop's events in the trace)
     * @param group the group it belongs to, or null for a loop on its own
     */
    public SimEventLoop(Simulation simulation, String name, EventLoopGroup group) {
        this(simulation, null, name, group);
    }

    /** A loop of {@code host}: its tasks wait while the host is paused. */
    public SimEventLoop(SimHost host, String name, EventLoopGroup group) {
        this(host.simulation(), host, name, group);
    }

    private SimEventLoop(Simulation simulation, SimHost host, String name, EventLoopGroup group) {
        this.simulation = simulation;
        this.host = host;
        this.name = name;
        this.group = group == null ? this : group;
        this.ticker = new SimTicker(simulation);
        this.runLabel = name + " runs a task";
        this.wakeLabel = name + " timer";
    }

    public String name() {
        return name;
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    protected long getCurrentTimeNanos() {
        return simulation.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        if (shutDown) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        tasks.add(task);
        queueRun();
    }

    private void queueRun() {
        if (!runQueued) {
            runQueued = true;
            simulation.schedule(0, runLabel, runOne);
        }
    }

    /** One event: the scheduled tasks now due join the queue, and the task at its head runs. */
    private void runOne() {
        runQueued = false;
        if (shutDown) {
            return;
        }
        if (host != null && host.park(this::runOne)) {
            runQueued = true; // runs again when the host resumes
            return;
        }
        if (simulation.nanoTime() < busyUntilNanos) {
            runQueued = true; // still busy with the work a task spent
            simulation.schedule(busyUntilNanos - simulation.nanoTime(), runLabel, runOne);
            return;
        }
        if (host != null) {
            host.ran(name);
        }
        running = true;
        simulation.loopTask(true);
        simulation.running(this);
        try {
            moveDueScheduledTasks();
            Runnable task = tasks.poll();
            if (task != null) {
                safeExecute(task);
            }
        } finally {
            running = false;
            simulation.loopTask(false);
            simulation.running(null);
        }
        if (!tasks.isEmpty()) {
            queueRun();
        } else {
            queueWakeForScheduledTasks();
        }
    }

    private void moveDueScheduledTasks() {
        Runnable due;
        while ((due = pollScheduledTask(simulation.nanoTime())) != null) {
            tasks.add(due);
        }
    }

    private void queueWakeForScheduledTasks() {
        long deadline = nextScheduledTaskDeadlineNanos();
        if (deadline == -1 || wakeQueuedFor <= deadline) {
            return; // nothing scheduled, or a wake-up comes soon enough
        }
        wakeQueuedFor = deadline;
        simulation.schedule(Math.max(0, deadline - simulation.nanoTime()), wakeLabel, () -> {
            if (wakeQueuedFor == deadline) {
                wakeQueuedFor = Long.MAX_VALUE;
            }
            if (shutDown) {
                return;
            }
            long next = nextScheduledTaskDeadlineNanos();
            if (!tasks.isEmpty() || next != -1 && next <= simulation.nanoTime()) {
                queueRun(); // which moves what is due into the queue, on the loop
            } else {
                queueWakeForScheduledTasks();
            }
        });
    }

    /** The task running now took {@code nanos} more of virtual time (see {@link Simulation#spend}). */
    void busyFor(long nanos) {
        busyUntilNanos = Math.max(busyUntilNanos, simulation.nanoTime()) + nanos;
    }

    @Override
    public boolean inEventLoop() {
        return running;
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return running && thread == Thread.currentThread();
    }

    // ---- Channel registration ----

    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(channel, this));
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return register(promise.channel(), promise);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        channels.add(channel);
        channel.closeFuture().addListener(closed -> channels.remove(channel));
        channel.unsafe().register(this, promise);
        return promise;
    }

    @Override
    public EventLoop next() {
        return this;
    }

    @Override
    public EventLoopGroup parent() {
        return group;
    }

    // ---- Lifecycle: never waits ----

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        if (!shutDown) {
            running = true;
            SimEventLoop outer = simulation.runningLoop();
            simulation.running(this); // a task run in place may spend time too (it is not waited for)
            try {
                // As NIO's and epoll's loops close every channel still registered when they shut down.
                for (Channel channel : List.copyOf(channels)) {
                    channel.unsafe().close(channel.unsafe().voidPromise());
                }
                moveDueScheduledTasks();
                Runnable task;
                int ran = 0;
                while ((task = tasks.poll()) != null && ran++ < MAX_TASKS_AT_SHUTDOWN) {
                    safeExecute(task);
                }
                if (!tasks.isEmpty()) {
                    LOG.warn("{} shut down with {} tasks still queued after {} run in place", name, tasks.size(), ran);
                    tasks.clear();
                }
                cancelScheduledTasks();
            } finally {
                running = false;
                simulation.running(outer);
            }
            shutDown = true;
            termination.trySuccess(null);
        }
        return termination;
    }

    @Override
    public Future<?> terminationFuture() {
        return termination;
    }

    @Deprecated
    @Override
    public void shutdown() {
        shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isShuttingDown() {
        return shutDown;
    }

    @Override
    public boolean isShutdown() {
        return shutDown;
    }

    @Override
    public boolean isTerminated() {
        return shutDown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutDown;
    }

    @Override
    public String toString() {
        return name;
    }

    /** The simulation's clock as Netty reads it; nothing may sleep on it. */
    private record SimTicker(Simulation simulation) implements Ticker {
        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return simulation.nanoTime();
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("nothing sleeps in a simulation: schedule instead");
        }
    }
}
