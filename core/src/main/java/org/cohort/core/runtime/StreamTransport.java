package org.cohort.core.runtime;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The transport below the streams' pipelines: the IO workers, the listener and the dials. Production is
 * TCP through Netty (native epoll or NIO); a simulated network implements the same with channels of its
 * own on its virtual clock. Everything above it (hello, framing, heartbeats, messages) is the same
 * pipeline either way. One instance serves one node from {@link #start} to {@link #stop}.
 */
public interface StreamTransport {

    /** What the log says ("native epoll", "NIO", "simulated"). */
    String name();

    /**
     * Starts the IO workers. New streams are given to a worker by the chooser (least-loaded first in
     * production), accepted and dialed ones alike.
     *
     * @param ioWorkers how many workers
     * @param chooser picks a worker for each new channel
     * @return the workers, valid until {@link #stop}
     */
    EventLoopGroup start(int ioWorkers, EventExecutorChooserFactory chooser);

    /**
     * Listens on an address; each accepted channel gets {@code childInitializer} and a worker.
     *
     * @return completes when bound (or failed); its channel is the listener
     */
    ChannelFuture listen(InetSocketAddress address, ChannelHandler childInitializer);

    /**
     * A new, not yet connected stream channel on {@code worker} with {@code initializer} in its pipeline;
     * the caller connects it with {@link io.netty.channel.Channel#connect(java.net.SocketAddress,
     * java.net.SocketAddress)} once it has recorded the dial.
     *
     * @return completes when registered with the worker
     */
    ChannelFuture newDialChannel(EventLoop worker, Duration connectTimeout, ChannelHandler initializer);

    /** Stops the workers and the listener's loop, waiting a bounded time. */
    void stop();
}
