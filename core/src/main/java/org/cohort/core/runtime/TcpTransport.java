package org.cohort.core.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link StreamTransport}: TCP through Netty, with the native epoll transport where it
 * loads (Linux, with the {@code netty-transport-native-epoll} jar of this machine's architecture: no JDK
 * selector, fewer syscalls and cheaper wake-ups per read), NIO everywhere else. Chosen once per start
 * and logged.
 *
 * <p>Threads it starts, stopped by {@link #stop()}: the IO workers {@code cohort-io-*} and the listener
 * {@code cohort-listener-*}. Every stream has Nagle off and keep-alive on, stops being writable past
 * a megabyte queued in Netty (writable again under 256 KiB), and reads at most 64 KiB per pass of its
 * event loop.
 */
public final class TcpTransport implements StreamTransport {

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /**
     * One read of at most 64 KiB per stream per pass of its event loop (Netty reads up to 16 by default):
     * a peer's burst, such as its resends after a partition heals, is then taken in slices between which
     * the loop runs its tasks (heartbeats out, the drains of its other streams) and its other sockets,
     * instead of a megabyte at a time, which on a loaded host kept the loop's heartbeats back for
     * seconds and made its peers judge it silent.
     */
    private static final RecvByteBufAllocator ONE_READ_PER_PASS =
            new AdaptiveRecvByteBufAllocator(64, 2048, 64 * 1024).maxMessagesPerRead(1);
    private static final long SHUTDOWN_QUIET_MS = 0;
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    /** Set (to anything) to keep NIO even where epoll loads: a diagnostic switch, not a setting. */
    public static final String FORCE_NIO_PROPERTY = "cohort.transport.nio";

    private final String name;
    private final IoHandlerFactory ioHandlers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> socketChannel;
    private EventLoopGroup workers;
    private EventLoopGroup listenerGroup;

    TcpTransport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
            Class<? extends Channel> socketChannel) {
        this.name = name;
        this.ioHandlers = ioHandlers;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /** NIO, whatever the platform. */
    public static TcpTransport nio() {
        return new TcpTransport("NIO", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class);
    }

    /** Native epoll if it is available here, NIO otherwise; logs which and, for NIO, why. */
    public static TcpTransport choose() {
        if (System.getProperty(FORCE_NIO_PROPERTY) != null) {
            LOG.info("Netty transport: NIO ({} is set)", FORCE_NIO_PROPERTY);
            return nio();
        }
        String unavailable;
        try {
            // Only touched here: without the epoll bundle (its package is an optional import) this
            // throws NoClassDefFoundError, and NIO it is.
            unavailable = EpollChannels.unavailabilityCause();
            if (unavailable == null) {
                LOG.info("Netty transport: native epoll");
                return EpollChannels.create();
            }
        } catch (LinkageError e) {
            unavailable = "the netty-transport-classes-epoll bundle is not installed (" + e + ")";
        }
        LOG.info("Netty transport: NIO (native epoll unavailable: {})", unavailable);
        return nio();
    }

    @Override
    public String name() {
        return name;
    }

    /** The streams' channel class (for a test of the choice). */
    public Class<? extends Channel> socketChannel() {
        return socketChannel;
    }

    @Override
    public synchronized EventLoopGroup start(int ioWorkers, EventExecutorChooserFactory chooser) {
        if (workers != null) {
            throw new IllegalStateException("already started");
        }
        workers = new MultiThreadIoEventLoopGroup(ioWorkers,
                new ThreadPerTaskExecutor(new DefaultThreadFactory("cohort-io")), chooser, ioHandlers);
        listenerGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cohort-listener"), ioHandlers);
        return workers;
    }

    @Override
    public synchronized ChannelFuture listen(InetSocketAddress address, ChannelHandler childInitializer) {
        return new ServerBootstrap()
                .group(started(listenerGroup), workers)
                .channel(serverChannel)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, ONE_READ_PER_PASS)
                .childHandler(childInitializer)
                .bind(address);
    }

    @Override
    public ChannelFuture newDialChannel(EventLoop worker, Duration connectTimeout, ChannelHandler initializer) {
        return new Bootstrap()
                .group(Objects.requireNonNull(worker, "worker"))
                .channel(socketChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.RCVBUF_ALLOCATOR, ONE_READ_PER_PASS)
                .handler(initializer)
                .register();
    }

    @Override
    public synchronized void stop() {
        shutdown(listenerGroup);
        shutdown(workers);
        listenerGroup = null;
        workers = null;
    }

    private static EventLoopGroup started(EventLoopGroup group) {
        if (group == null) {
            throw new IllegalStateException("not started");
        }
        return group;
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(SHUTDOWN_QUIET_MS, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000);
        }
    }
}
