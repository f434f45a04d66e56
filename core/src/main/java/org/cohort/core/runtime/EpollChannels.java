package org.cohort.core.runtime;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/** The only class that names Netty's epoll classes, so that NIO never needs them loaded. */
final class EpollChannels {

    private EpollChannels() {
    }

    /** Null if native epoll works here, otherwise why not. */
    static String unavailabilityCause() {
        if (Epoll.isAvailable()) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "unknown" : cause.toString();
    }

    static TcpTransport create() {
        return new TcpTransport("native epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }
}
