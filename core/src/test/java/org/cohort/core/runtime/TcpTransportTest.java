package org.cohort.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class TcpTransportTest {

    @Test
    void onLinuxX8664TheNativeEpollTransportLoadsAndIsChosen() {
        boolean linuxX8664 = System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64");

        TcpTransport chosen = TcpTransport.choose();

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
        System.setProperty(TcpTransport.FORCE_NIO_PROPERTY, "true");
        try {
            assertThat(TcpTransport.choose().socketChannel()).isEqualTo(NioSocketChannel.class);
        } finally {
            System.clearProperty(TcpTransport.FORCE_NIO_PROPERTY);
        }
    }
}
