package org.cohort.sim.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.cohort.core.runtime.StreamTransport;
import org.cohort.sim.SimEventLoop;
import org.cohort.sim.SimEventLoopGroup;
import org.cohort.sim.SimHost;

/**
 * Core's {@link StreamTransport} seam for one simulated node: its IO workers and listener loop are
 * {@link SimEventLoop}s, its streams {@link SimStreamChannel}s over the shared {@link SimNetwork}, set up
 * by Netty's own bootstraps as production's TCP transport sets up sockets.
 */
public final class SimTransport implements StreamTransport {

    /**
     * Production's water marks (TcpTransport's): with the simulated send buffer, a stream turns unwritable
     * at the same backlog as in production, so core's flow control is tested at its real thresholds.
     */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final SimNetwork network;
    private final SimHost host;
    private final String node;
    private SimEventLoopGroup workers;
    private SimEventLoop listenerLoop;

    /** The transport of the node on {@code host}; its loops are named after it. */
    public SimTransport(SimNetwork network, SimHost host) {
        this.network = network;
        this.host = host;
        this.node = host.name();
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public EventLoopGroup start(int ioWorkers, EventExecutorChooserFactory chooser) {
        if (workers != null) {
            throw new IllegalStateException("already started");
        }
        workers = new SimEventLoopGroup(host, node + "/cohort-io", ioWorkers, chooser);
        listenerLoop = new SimEventLoop(host, node + "/cohort-listener", null);
        return workers;
    }

    @Override
    public ChannelFuture listen(InetSocketAddress address, ChannelHandler childInitializer) {
        return new ServerBootstrap().group(started(listenerLoop), workers)
                .channelFactory(() -> new SimServerChannel(network))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(childInitializer)
                .bind(address);
    }

    @Override
    public ChannelFuture newDialChannel(EventLoop worker, Duration connectTimeout, ChannelHandler initializer) {
        return new Bootstrap().group(worker)
                .channelFactory(() -> new SimStreamChannel(network))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(initializer)
                .register();
    }

    @Override
    public void stop() {
        if (listenerLoop != null) {
            listenerLoop.shutdownGracefully();
            listenerLoop = null;
        }
        if (workers != null) {
            workers.shutdownGracefully();
            workers = null;
        }
    }

    private static SimEventLoop started(SimEventLoop loop) {
        if (loop == null) {
            throw new IllegalStateException("not started");
        }
        return loop;
    }
}
