package org.cohort.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cohort.sim.SimEventLoop;
import org.cohort.sim.SimEventLoopGroup;
import org.cohort.sim.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Streams over the simulated network, through Netty's own bootstraps as core's transport uses them: a
 * dial, an echo, a refusal, a close reaching the other end, order under jitter, a replayable trace; links
 * of their own latency and bandwidth, a send buffer that makes a fast writer's channel unwritable, a reset
 * in the middle of a segment, and a host that refuses dials.
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
        /** What the client's pipeline saw: reads by size, writability changes, its close. */
        final List<String> clientLog = new ArrayList<>();
        /** Every byte the server read, and every byte the client read, in order. */
        final ByteBuf serverBytes = Unpooled.buffer();
        final ByteBuf clientBytes = Unpooled.buffer();
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
                                    ByteBuf bytes = (ByteBuf) msg;
                                    serverEvents.add("read " + bytes.readableBytes() + " bytes at " + sim.nanoTime() / MS
                                            + " ms");
                                    serverBytes.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
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
                            clientLog.add("read " + bytes.readableBytes() + " bytes at " + sim.nanoTime() / MS + " ms");
                            clientBytes.writeBytes(bytes);
                            bytes.release();
                        }

                        @Override
                        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                            clientLog.add((ctx.channel().isWritable() ? "writable" : "unwritable") + " at "
                                    + sim.nanoTime() / MS + " ms");
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            clientLog.add("inactive at " + sim.nanoTime() / MS + " ms");
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

        assertThat(nodes.serverEvents).containsExactly("read 4 bytes at " + (closedAt / MS + 3) + " ms",
                "inactive at " + (closedAt / MS + 3) + " ms");
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
        return echoSmallWrites(new TwoNodes(seed, Duration.ofMillis(1), Duration.ofMillis(5)), messages);
    }

    /** MESSAGES small writes, one flush each, echoed back; run until quiet. */
    private static TwoNodes echoSmallWrites(TwoNodes nodes, int messages) {
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

    @Test
    void aLinkOfItsOwnOverridesTheNetworksLatencyOneWayOrBoth() {
        TwoNodes oneWay = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        oneWay.network.link(CLIENT.getHostString(), SERVER.getHostString()).latency(Duration.ofMillis(10));
        assertThat(echoHelloTime(oneWay)).as("dial and hello take 10 ms, accept and echo 1 ms").isEqualTo(22);

        TwoNodes bothWays = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        bothWays.network.linkBothWays(CLIENT.getHostString(), SERVER.getHostString(),
                link -> link.latency(Duration.ofMillis(5)));
        assertThat(echoHelloTime(bothWays)).isEqualTo(20);

        bothWays.network.link(CLIENT.getHostString(), SERVER.getHostString()).defaults();
        assertThat(bothWays.network.link(CLIENT.getHostString(), SERVER.getHostString()).latency())
                .isEqualTo(Duration.ofMillis(1));
    }

    /** Dials, says hello once connected, and returns how many ms after the dial the echo came back. */
    private static long echoHelloTime(TwoNodes nodes) {
        long start = nodes.sim.nanoTime();
        ChannelFuture connect = nodes.dial(SERVER);
        connect.addListener(done -> connect.channel().writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
        nodes.sim.runUntilIdle(1_000);
        assertThat(nodes.received).hasSize(1);
        return Long.parseLong(nodes.received.get(0).substring("hello at ".length())) - start / MS;
    }

    @Test
    void aLinksJitterKeepsTheStreamsOrderAndTheSameSeedReplaysIt() {
        TwoNodes first = echoOverJitteryLinks(17, 100);
        assertThat(first.received).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(first.received.get(i)).startsWith(i + ";");
        }
        // The network has no jitter: only the links' can make two seeds' times differ.
        assertThat(traceOf(echoOverJitteryLinks(17, 20))).isEqualTo(traceOf(echoOverJitteryLinks(17, 20)))
                .isNotEqualTo(traceOf(echoOverJitteryLinks(18, 20)));
    }

    /** MESSAGES small writes echoed on a network without jitter but for links of 1 to 6 ms both ways. */
    private static TwoNodes echoOverJitteryLinks(long seed, int messages) {
        TwoNodes nodes = new TwoNodes(seed, Duration.ofMillis(1), Duration.ZERO);
        nodes.network.linkBothWays(CLIENT.getHostString(), SERVER.getHostString(),
                link -> link.jitter(Duration.ofMillis(5)));
        return echoSmallWrites(nodes, messages);
    }

    @Test
    void aLinksBandwidthMakesTheSegmentsOfEveryStreamOnItTakeTurns() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        nodes.network.link(CLIENT.getHostString(), SERVER.getHostString()).bandwidth(100_000); // 10 KB: 100 ms
        ChannelFuture first = nodes.dial(SERVER);
        ChannelFuture second = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        long start = nodes.sim.nanoTime() / MS;

        first.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(10_000)));
        second.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(10_000)));
        nodes.sim.runUntilIdle(10_000);

        assertThat(nodes.serverEvents).as("100 ms each on the wire, one after the other, then 1 ms across")
                .containsExactly("read 10000 bytes at " + (start + 101) + " ms", "read 10000 bytes at " + (start + 201) + " ms");
        assertThat(nodes.clientLog).as("the way back has the network's bandwidth: unlimited")
                .containsExactly("read 10000 bytes at " + (start + 102) + " ms", "read 10000 bytes at " + (start + 202) + " ms");
    }

    @Test
    void aLinkRestoredToFullSpeedSendsWhatWaitsInItAtFullSpeed() {
        // Found by the explorer: segments kept the slow link's times after it was restored (49 s for 136 KB).
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        SimLink link = nodes.network.link(CLIENT.getHostString(), SERVER.getHostString()).bandwidth(100_000);
        ChannelFuture first = nodes.dial(SERVER);
        ChannelFuture second = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        long start = nodes.sim.nanoTime() / MS;

        first.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(10_000)));
        second.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(10_000)));
        nodes.sim.runFor(Duration.ofMillis(50));
        link.bandwidth(SimLink.UNLIMITED);
        nodes.sim.runUntilIdle(10_000);

        assertThat(nodes.serverEvents).as("the first segment was on the wire at 100 KB/s (100 ms); the second "
                + "waited, and went at full speed the moment the first was sent")
                .containsExactly("read 10000 bytes at " + (start + 101) + " ms", "read 10000 bytes at " + (start + 101) + " ms");
    }

    @Test
    void whatAResetStreamHadNotSentYetNoLongerHoldsItsLink() {
        // Found by the long run: a reset stream's queued segments kept a squeezed link busy for seconds,
        // so the redial's hello came too late (the pair was not ACTIVE 3.25 s after the link was restored).
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        nodes.network.link(CLIENT.getHostString(), SERVER.getHostString()).bandwidth(10_000); // 5 KB: 500 ms
        ChannelFuture first = nodes.dial(SERVER);
        ChannelFuture second = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        long start = nodes.sim.nanoTime() / MS;
        for (int i = 0; i < 4; i++) {
            first.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(5_000))); // four segments, 2 s in all
        }

        nodes.sim.runFor(Duration.ofMillis(100));
        ((SimStreamChannel) first.channel()).reset(); // the first segment is on the wire; three wait
        second.channel().writeAndFlush(Unpooled.wrappedBuffer(pattern(1_000)));
        nodes.sim.runUntilIdle(10_000);

        assertThat(nodes.serverEvents).as("the segment on the wire finishes (500 ms), the reset stream's three "
                + "others are dropped, and the second stream's 1,000 bytes take 100 ms, then 1 ms across")
                .contains("read 1000 bytes at " + (start + 601) + " ms");
    }

    @Test
    void aCrashedHostsStreamsCloseAtOnceAndTheirPeersAreReset() {
        // Found by the explorer: a killed host's stream ends stayed open in the simulated kernel.
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        assertThat(nodes.network.streamEndCounts()).containsEntry("10.0.0.2>10.0.0.1", 1)
                .containsEntry("10.0.0.1>10.0.0.2", 1);

        nodes.network.crash(CLIENT.getHostString());

        assertThat(nodes.network.streamEndCounts()).as("the crashed host's end closed with its process")
                .doesNotContainKey("10.0.0.2>10.0.0.1");
        nodes.sim.runUntilIdle(1_000);
        assertThat(nodes.network.streamEndCounts()).as("and the other end was reset").isEmpty();
        assertThat(nodes.serverEvents).last().asString().startsWith("inactive");
    }

    @Test
    void aWriterPastItsSendBufferSeesItsChannelUnwritableAndEveryByteArrivesInOrder() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        ChannelFuture connect = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        Channel channel = connect.channel();
        assertThat(channel.config().setOption(ChannelOption.SO_SNDBUF, 16_384)).isTrue();
        long start = nodes.sim.nanoTime() / MS;
        byte[] sent = pattern(200_000);

        // From the channel's loop, as core writes: a write from another thread counts twice for a moment.
        channel.eventLoop().execute(() -> channel.writeAndFlush(Unpooled.wrappedBuffer(sent)));
        nodes.sim.runUntilIdle(1);
        assertThat(channel.isWritable()).as("200,000 bytes wait, past the 64 KiB high water mark").isFalse();
        nodes.sim.runUntilIdle(10_000);

        List<String> reads = new ArrayList<>();
        for (int ms = 1; ms <= 12; ms++) {
            reads.add("read 16384 bytes at " + (start + ms) + " ms"); // one send buffer per crossing
        }
        reads.add("read 3392 bytes at " + (start + 13) + " ms");
        assertThat(nodes.serverEvents).containsExactlyElementsOf(reads);
        assertThat(ByteBufUtil.getBytes(nodes.serverBytes)).isEqualTo(sent);
        assertThat(ByteBufUtil.getBytes(nodes.clientBytes)).as("the echo, through the server's 256 KiB").isEqualTo(sent);
        assertThat(nodes.clientLog).filteredOn(event -> event.contains("writable"))
                .containsExactly("unwritable at " + start + " ms", "writable at " + (start + 12) + " ms");
        assertThat(channel.isWritable()).isTrue();
    }

    @Test
    void aResetInTheMiddleOfASegmentHandsEachEndAPrefixOfItThenClosesTheStream() {
        TwoNodes nodes = new TwoNodes(3, Duration.ofMillis(10), Duration.ZERO);
        ChannelFuture connect = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        long start = nodes.sim.nanoTime() / MS;
        byte[] first = pattern(1_000);
        byte[] second = pattern(1_000);
        second[0] = 'X'; // not a prefix of the first

        connect.channel().writeAndFlush(Unpooled.wrappedBuffer(first)); // echoed at 10 ms, back at 20 ms
        nodes.sim.runFor(Duration.ofMillis(15));
        connect.channel().writeAndFlush(Unpooled.wrappedBuffer(second)); // would arrive at 25 ms
        nodes.sim.runFor(Duration.ofMillis(2));
        assertThat(nodes.network.resetMidSegment(SERVER.getHostString(), CLIENT.getHostString())).isEqualTo(2);
        nodes.sim.runUntilIdle(1_000);

        int serverPrefix = nodes.serverBytes.readableBytes() - first.length;
        assertThat(serverPrefix).isBetween(1, second.length - 1);
        assertThat(nodes.serverEvents).containsExactly("read 1000 bytes at " + (start + 10) + " ms",
                "read " + serverPrefix + " bytes at " + (start + 17) + " ms", "inactive at " + (start + 17) + " ms");
        assertThat(ByteBufUtil.getBytes(nodes.serverBytes))
                .isEqualTo(concat(first, Arrays.copyOf(second, serverPrefix)));

        int clientPrefix = nodes.clientBytes.readableBytes();
        assertThat(clientPrefix).isBetween(1, first.length - 1);
        assertThat(nodes.clientLog).containsExactly("read " + clientPrefix + " bytes at " + (start + 17) + " ms",
                "inactive at " + (start + 17) + " ms");
        assertThat(ByteBufUtil.getBytes(nodes.clientBytes)).isEqualTo(Arrays.copyOf(first, clientPrefix));
    }

    @Test
    void aHostThatRefusesDialsRefusesThemWhileItsStreamsGoOn() {
        TwoNodes nodes = new TwoNodes(1, Duration.ofMillis(1), Duration.ZERO);
        ChannelFuture before = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);

        nodes.network.refuse(SERVER.getHostString());
        ChannelFuture refused = nodes.dial(SERVER);
        long dialedAt = nodes.sim.nanoTime();
        long[] failedAt = {-1};
        refused.addListener(done -> failedAt[0] = nodes.sim.nanoTime());
        nodes.sim.runUntilIdle(1_000);
        assertThat(refused.cause()).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
        assertThat(refused.channel().isOpen()).isFalse();
        assertThat(failedAt[0] - dialedAt).as("a round trip, not the connect timeout").isEqualTo(2 * MS);

        before.channel().writeAndFlush(Unpooled.copiedBuffer("still here", StandardCharsets.US_ASCII));
        nodes.sim.runUntilIdle(1_000);
        assertThat(nodes.received).singleElement().asString().startsWith("still here at ");
        assertThat(before.channel().isActive()).isTrue();

        nodes.network.accept(SERVER.getHostString());
        ChannelFuture after = nodes.dial(SERVER);
        nodes.sim.runUntilIdle(1_000);
        assertThat(after.isSuccess()).isTrue();
    }

    /** Bytes that differ from one offset to the next: a reordered or lost slice would show. */
    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 23);
        }
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
