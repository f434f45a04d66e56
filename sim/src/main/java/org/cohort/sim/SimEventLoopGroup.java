package org.cohort.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Simulated event loops in a group, as {@code MultiThreadIoEventLoopGroup} holds threads in production: new
 * channels go to the loop the given chooser picks (core's least-loaded chooser, in the transport).
 */
public final class SimEventLoopGroup extends AbstractEventExecutorGroup implements EventLoopGroup {

    private final List<SimEventLoop> loops;
    private final EventExecutorChooserFactory.EventExecutorChooser chooser;
    private final Promise<Void> termination = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);

    /**
     * @param name the prefix of the loops' names ({@code name-1}, {@code name-2}, ...)
     * @param size how many loops
     */
    public SimEventLoopGroup(Simulation simulation, String name, int size, EventExecutorChooserFactory chooserFactory) {
        this(simulation, null, name, size, chooserFactory);
    }

    /** Loops of {@code host} (see {@link SimHost}). */
    public SimEventLoopGroup(SimHost host, String name, int size, EventExecutorChooserFactory chooserFactory) {
        this(host.simulation(), host, name, size, chooserFactory);
    }

    private SimEventLoopGroup(Simulation simulation, SimHost host, String name, int size,
            EventExecutorChooserFactory chooserFactory) {
        SimEventLoop[] made = new SimEventLoop[size];
        for (int i = 0; i < size; i++) {
            made[i] = host == null ? new SimEventLoop(simulation, name + "-" + (i + 1), this)
                    : new SimEventLoop(host, name + "-" + (i + 1), this);
        }
        this.loops = List.of(made);
        this.chooser = chooserFactory.newChooser(made);
    }

    public List<SimEventLoop> loops() {
        return loops;
    }

    @Override
    public EventLoop next() {
        return (EventLoop) chooser.next();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Iterator<EventExecutor> iterator() {
        return (Iterator) loops.iterator();
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return next().register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return next().register(promise);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return next().register(channel, promise);
    }

    /** Shuts every loop down in place (see {@link SimEventLoop}): terminated when this returns. */
    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        loops.forEach(loop -> loop.shutdownGracefully(quietPeriod, timeout, unit));
        termination.trySuccess(null);
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
        return termination.isDone();
    }

    @Override
    public boolean isShutdown() {
        return termination.isDone();
    }

    @Override
    public boolean isTerminated() {
        return termination.isDone();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return termination.isDone();
    }
}
