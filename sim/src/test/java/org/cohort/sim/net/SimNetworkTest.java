package org.cohort.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cohort.sim.SimEventLoop;
import org.cohort.sim.SimEventLoopGroup;
import org.cohort.sim.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Streams over the simulated network, through Netty's own bootstraps as core's transport uses them: a
 * dial, an echo, a refusal, a close reaching the other end, order under jitter, and a replayable trace.
 */
class SimNetworkTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 7000);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 0);
    private static final long MS = 1_000_000;

    /** Two nodes: an echo server on one, a dialer on the other, both on one simulation. */
    private static final class TwoNodes {
        final Simulation sim;
        final SimNetwork network;
        final List<String> received = new ArrayList<>();
        final List<String> serverEvents = new ArrayList<>();
        Channel serverChild;

        TwoNodes(long seed, Duration latency, Duration jitter) {
            sim = new Simulation(seed);
            network = new SimNetwork(sim, latency, jitter);
            SimEventLoop listener = new SimEventLoop(sim, "node-1/cohort-listener", null);
            SimEventLoopGroup serverIo = new SimEventLoopGroup(sim, "node-1/cohort-io", 2,
                    DefaultEventExecutorChooserFactory.INSTANCE);
            new ServerBootstrap().group(listener, serverIo).channelFactory(() -> new SimServerChannel(network))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel child) {
                            serverChild = child;
                            child.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg); // echo
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    serverEvents.add("inactive at " + sim.nanoTime() / MS + " ms");
                                }
                            });
                        }
                    }).bind(SERVER);
            sim.runUntilIdle(1_000);
        }

        ChannelFuture dial(InetSocketAddress to) {
            SimEventLoopGroup clientIo = new SimEventLoopGroup(sim, "node-2/cohort-io", 1,
                    DefaultEventExecutorChooserFactory.INSTANCE);
            Channel channel = new Bootstrap().group(clientIo).channelFactory(() -> new SimStreamChannel(network))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf bytes = (ByteBuf) msg;
                            received.add(bytes.toString(StandardCharsets.US_ASCII) + " at " + sim.nanoTime() / MS);
                            bytes.release();
                        }
                    }).register().channel();
            sim.runUntilIdle(1_000);
            return channel.connect(to, CLIENT);
        }
    }

    @Test
    void aDialAndAnEchoTakeOneLatencyPerCrossing() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        long start = nodes.sim.nanoTime();
        ChannelFuture connect = nodes.dial(SERVER);
        connect.addListener(done -> connect.channel().writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));

        nodes.sim.runUntilIdle(1_000);

        assertThat(connect.isSuccess()).isTrue();
        assertThat(nodes.received).as("dial, accept, hello, echo: four crossings of 1 ms")
                .containsExactly("hello at " + (start / MS + 4));
        assertThat(nodes.serverChild.remoteAddress()).isEqualTo(CLIENT);
        assertThat(connect.channel().remoteAddress()).isEqualTo(SERVER);
    }

    @Test
    void aDialToAnAddressNobodyListensOnIsRefused() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        ChannelFuture connect = nodes.dial(new InetSocketAddress("10.0.0.9", 7000));

        nodes.sim.runUntilIdle(1_000);

        assertThat(connect.cause()).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
        assertThat(connect.channel().isOpen()).isFalse();
    }

    @Test
    void aCloseReachesTheOtherEndBehindWhatWasSentBeforeIt() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(3), Duration.ZERO);
        ChannelFuture connect = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        long closedAt = nodes.sim.nanoTime();

        connect.channel().writeAndFlush(Unpooled.copiedBuffer("last", StandardCharsets.US_ASCII));
        connect.channel().close();
        nodes.sim.runUntilIdle(1_000);

        assertThat(nodes.serverEvents).containsExactly("inactive at " + (closedAt / MS + 3) + " ms");
        assertThat(nodes.received).as("the echo finds the dialer's end closed").isEmpty();
    }

    @Test
    void segmentsKeepTheirOrderUnderJitterAndTheSameSeedReplaysTheRun() {
        TwoNodes first = echoUnderJitter(17, 100);
        assertThat(first.received).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(first.received.get(i)).startsWith(i + ";");
        }
        assertThat(traceOf(echoUnderJitter(17, 20))).isEqualTo(traceOf(echoUnderJitter(17, 20)))
                .isNotEqualTo(traceOf(echoUnderJitter(18, 20)));
    }

    /** MESSAGES small writes echoed over links of 1 to 6 ms, run until quiet. */
    private static TwoNodes echoUnderJitter(long seed, int messages) {
        TwoNodes nodes = new TwoNodes(seed, Duration.ofMillis(1), Duration.ofMillis(5));
        ChannelFuture connect = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        for (int i = 0; i < messages; i++) {
            connect.channel().writeAndFlush(Unpooled.copiedBuffer(i + ";", StandardCharsets.US_ASCII));
        }
        nodes.sim.runUntilIdle(100_000);
        return nodes;
    }

    private static String traceOf(TwoNodes nodes) {
        return nodes.sim.digest() + " after " + nodes.sim.events() + " events";
    }
}
