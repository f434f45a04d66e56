package org.cohort.core.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSecret;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream closed for bad input during its handshake is not admitted by a hello that came behind the bad
 * input. (Found by fuzzing, cohort-fuzz's HelloFuzzTest: the frame decoder hands on the frames still
 * buffered when the closed channel goes inactive, and the hello handler, not having refused anything
 * itself, reads the hello and admits the closed stream, which may replace the member's live one.)
 */
class HelloAfterCloseTest {

    private static final ControllerNode N1 = member(1);
    private static final ControllerNode N2 = member(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<Hello> admitted = new ArrayList<>();
    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aHelloBehindAFrameOverTheHelloLimitDoesNotAdmitTheClosedStream() {
        HelloValidator validator = new HelloValidator(new ClusterSettings("c", N1.id(), List.of(N1, N2), 1,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), TIMEOUT, 1 << 20, 1 << 20));
        HelloHandler handler = new HelloHandler(Direction.INBOUND, null,
                new Hello(HelloCodec.VERSION, "c", N1.id(), N1.ip(), N1.tcpPort(), 1L, Map.of()), validator, TIMEOUT,
                (ch, direction, peer) -> {
                    admitted.add(peer);
                    return () -> { };
                }, reason -> { }, new MemberAuthenticator(ClusterSecret.NONE));
        channel = new FromN2(EmbeddedChannel.builder().register(false));
        // As the stream's pipeline: the frame decoder capped at the hello's size, the hello handler, and an
        // error handler that closes the stream on bad input.
        channel.pipeline().addLast(Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES), handler,
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
        ((FromN2) channel).registerNow();

        // One read: a frame longer than a hello may be, then n2's valid hello.
        ByteBuf read = Unpooled.buffer();
        int tooLong = Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES + 1;
        read.writeInt(tooLong).writeByte(Frames.HELLO).writeZero(tooLong - Frames.TYPE_BYTES);
        int start = read.writerIndex();
        read.writeInt(0).writeByte(Frames.HELLO);
        HelloCodec.encode(new Hello(HelloCodec.VERSION, "c", N2.id(), N2.ip(), N2.tcpPort(), 2L, Map.of()), read);
        Frames.finish(read, start);

        channel.writeInbound(read);

        assertThat(channel.isOpen()).as("closed for the frame over the limit").isFalse();
        assertThat(admitted).as("admitted after the stream was closed").isEmpty();
    }

    private static ControllerNode member(int k) {
        try {
            return new ControllerNode(NodeId.of("n" + k), InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k}),
                    7000 + k);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An embedded channel whose peer is at n2's address, as n2's accepted TCP stream is. */
    private static final class FromN2 extends EmbeddedChannel {
        FromN2(EmbeddedChannel.Builder builder) {
            super(builder);
        }

        void registerNow() {
            try {
                register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(N2.ip(), 51234);
        }
    }
}
