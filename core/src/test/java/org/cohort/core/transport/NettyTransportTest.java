package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class NettyTransportTest {

    @Test
    void onLinuxX8664TheNativeEpollTransportLoadsAndIsChosen() {
        boolean linuxX8664 = System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64");

        NettyTransport chosen = NettyTransport.choose();

        if (linuxX8664) {
            // the native jar is on the classpath (as in the Karaf feature): if it stops loading, we want to know
            assertThat(Epoll.isAvailable()).as("epoll available: %s", Epoll.unavailabilityCause()).isTrue();
            assertThat(chosen.name()).isEqualTo("native epoll");
            assertThat(chosen.socketChannel()).isEqualTo(EpollSocketChannel.class);
        } else {
            assertThat(chosen.name()).isEqualTo(Epoll.isAvailable() ? "native epoll" : "NIO");
        }
    }

    @Test
    void theDiagnosticSwitchKeepsNio() {
        System.setProperty(NettyTransport.FORCE_NIO_PROPERTY, "true");
        try {
            assertThat(NettyTransport.choose().socketChannel()).isEqualTo(NioSocketChannel.class);
        } finally {
            System.clearProperty(NettyTransport.FORCE_NIO_PROPERTY);
        }
    }
}
