package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Netty transport the streams use: the native epoll one where it loads (Linux, with the
 * {@code netty-transport-native-epoll} jar of this machine's architecture: no JDK selector, fewer
 * syscalls and cheaper wake-ups per read), NIO everywhere else. Chosen once per start and logged.
 *
 * @param name what the log says
 * @param ioHandlers the event loops' IO handler
 * @param serverChannel the listener's channel class
 * @param socketChannel the streams' channel class for dials
 */
record NettyTransport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> socketChannel) {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    /** Set (to anything) to keep NIO even where epoll loads: a diagnostic switch, not a setting. */
    static final String FORCE_NIO_PROPERTY = "cohort.transport.nio";

    static NettyTransport nio() {
        return new NettyTransport("NIO", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class);
    }

    /** Native epoll if it is available here, NIO otherwise; logs which and, for NIO, why. */
    static NettyTransport choose() {
        if (System.getProperty(FORCE_NIO_PROPERTY) != null) {
            LOG.info("Netty transport: NIO ({} is set)", FORCE_NIO_PROPERTY);
            return nio();
        }
        String unavailable;
        try {
            // Only touched here: without the epoll bundle (its package is an optional import) this
            // throws NoClassDefFoundError, and NIO it is.
            unavailable = EpollTransport.unavailabilityCause();
            if (unavailable == null) {
                LOG.info("Netty transport: native epoll");
                return EpollTransport.create();
            }
        } catch (LinkageError e) {
            unavailable = "the netty-transport-classes-epoll bundle is not installed (" + e + ")";
        }
        LOG.info("Netty transport: NIO (native epoll unavailable: {})", unavailable);
        return nio();
    }
}
