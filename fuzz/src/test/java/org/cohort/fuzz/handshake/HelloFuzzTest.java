package org.cohort.fuzz.handshake;

import static org.cohort.fuzz.Findings.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSecret;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HandshakeListener;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.handshake.HelloException;
import org.cohort.core.handshake.HelloHandler;
import org.cohort.core.handshake.HelloValidator;
import org.cohort.core.handshake.MemberAuthenticator;
import org.cohort.fuzz.Findings;
import org.cohort.fuzz.StreamScript;
import org.cohort.fuzz.TrackingAllocator;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the handshake, the first thing an unauthenticated peer reaches: {@link HelloCodec#decode} on
 * the body of every frame the input writes, and the {@link HelloHandler} on an embedded channel whose
 * pipeline starts as a real stream's (the frame decoder capped at the hello's size, then the hello
 * handler), as the acceptor or the dialer, with and without a cluster secret.
 *
 * <p>Input: one flags byte, then a {@link StreamScript}. Flags: bit 0 the node has a cluster secret; bit
 * 1 the node dialed (else it accepted); bit 2 an accepted stream comes from member n2's address (else
 * from an embedded channel's, which no member has).
 *
 * <p>Whatever the bytes: decoding yields a hello or a HelloException and nothing else, and a decoded
 * hello encodes back to the same hello; the handler throws nothing, the only failures that reach the
 * end of the pipeline are the frame decoder's; a stream is admitted only for a member's valid hello (the
 * member dialed, on an outbound stream), never with a cluster secret (the fuzzer cannot prove it), never
 * once it is closed, at most once; a stream not admitted is closed once the hello timeout has passed;
 * the node writes at most its hello and one more frame; and every buffer is released once the channel
 * is closed.
 */
class HelloFuzzTest {

    static final String CLUSTER = "fuzz-cluster";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final ControllerNode N1 = member(1);
    static final ControllerNode N2 = member(2);
    static final ControllerNode N3 = member(3);
    static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple");
    /** A hello frame is at most 4,101 bytes: room for a few, with garbage around them. */
    static final int MAX_STREAM_BYTES = 64 * 1024;

    static final int WITH_SECRET = 1;
    static final int DIALED = 2;
    static final int FROM_N2 = 4;

    /** This node is n1. */
    private static final HelloValidator VALIDATOR = new HelloValidator(new ClusterSettings(CLUSTER, N1.id(),
            List.of(N1, N2, N3), 1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), TIMEOUT,
            1 << 20, 1 << 20));
    private static final MemberAuthenticator NO_SECRET = new MemberAuthenticator(ClusterSecret.NONE);
    private static final MemberAuthenticator WITH = new MemberAuthenticator(SECRET);

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void handshake(byte[] input) {
        run(input);
    }

    /** Runs one input, checks everything above, and says whether the stream was admitted. */
    static boolean run(byte[] input) {
        if (input.length == 0) {
            return false;
        }
        List<byte[]> reads = StreamScript.reads(input, 1, MAX_STREAM_BYTES);
        for (byte[] read : reads) {
            decodeEveryFrame(read);
        }
        return runHandler(input[0], reads);
    }

    /** Whatever decode makes of a frame body: a hello that encodes back to itself, or a HelloException. */
    private static void decodeEveryFrame(byte[] read) {
        for (int at = 0; at + Frames.LENGTH_BYTES + Frames.TYPE_BYTES <= read.length; ) {
            int length = (read[at] & 0xff) << 24 | (read[at + 1] & 0xff) << 16 | (read[at + 2] & 0xff) << 8
                    | (read[at + 3] & 0xff);
            int start = at + Frames.LENGTH_BYTES + Frames.TYPE_BYTES;
            int end = length < Frames.TYPE_BYTES ? start
                    : (int) Math.min(read.length, (long) at + Frames.LENGTH_BYTES + length);
            decodeOne(Arrays.copyOfRange(read, start, Math.max(start, end)));
            at = Math.max(end, start);
        }
    }

    private static void decodeOne(byte[] body) {
        ByteBuf in = Unpooled.wrappedBuffer(body);
        Hello hello;
        try {
            hello = HelloCodec.decode(in);
        } catch (HelloException e) {
            return;
        } catch (RuntimeException e) {
            throw Findings.unexpected("HelloCodec.decode threw other than HelloException", e);
        }
        check(body.length <= HelloCodec.MAX_HELLO_BYTES, "a hello of %d bytes was accepted", body.length);
        if (!wellFormedText(hello)) {
            // Decoding replaces malformed text (bad UTF-8 in the cluster name, non-ASCII extension
            // names) with U+FFFD, so such a hello does not encode back to itself; it never validates.
            return;
        }
        ByteBuf out = Unpooled.buffer();
        HelloCodec.encode(hello, out);
        Hello again;
        try {
            again = HelloCodec.decode(out);
        } catch (HelloException e) {
            throw Findings.unexpected("a decoded hello, encoded again, does not decode: " + hello, e);
        }
        check(same(hello, again), "a decoded hello encodes to another: %s, then %s", hello, again);
    }

    private static boolean wellFormedText(Hello hello) {
        return hello.clusterName().indexOf('\uFFFD') < 0
                && hello.extensions().keySet().stream().allMatch(name -> name.indexOf('\uFFFD') < 0);
    }

    private static boolean same(Hello a, Hello b) {
        if (a.version() != b.version() || !a.clusterName().equals(b.clusterName()) || !a.nodeId().equals(b.nodeId())
                || !a.address().equals(b.address()) || a.port() != b.port() || a.incarnation() != b.incarnation()
                || !a.extensions().keySet().equals(b.extensions().keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> extension : a.extensions().entrySet()) {
            if (!Arrays.equals(extension.getValue(), b.extensions().get(extension.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean runHandler(int flags, List<byte[]> reads) {
        boolean secret = (flags & WITH_SECRET) != 0;
        Direction direction = (flags & DIALED) != 0 ? Direction.OUTBOUND : Direction.INBOUND;
        InetSocketAddress remote = direction == Direction.INBOUND && (flags & FROM_N2) != 0
                ? new InetSocketAddress(N2.ip(), 51234) : null;
        NodeId expected = direction == Direction.OUTBOUND ? N2.id() : null;

        TrackingAllocator allocator = new TrackingAllocator();
        MockTicker ticker = Ticker.newMockTicker();
        List<Hello> admitted = new ArrayList<>();
        List<Hello> admittedClosed = new ArrayList<>();
        List<HelloException.Reason> refusals = new ArrayList<>();
        Tail tail = new Tail();
        HandshakeListener listener = (Channel ch, Direction d, Hello peer) -> {
            admitted.add(peer);
            if (!ch.isActive()) {
                admittedClosed.add(peer);
            }
            return () -> { };
        };
        HelloHandler handler = new HelloHandler(direction, expected,
                new Hello(HelloCodec.VERSION, CLUSTER, N1.id(), N1.ip(), N1.tcpPort(), 1001L, Map.of()), VALIDATOR,
                TIMEOUT, listener, refusals::add, secret ? WITH : NO_SECRET);

        FuzzChannel channel = new FuzzChannel(remote, EmbeddedChannel.builder().ticker(ticker).register(false));
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES), handler, tail);
        channel.registerNow();

        int written = 0;
        try {
            for (byte[] read : reads) {
                if (!channel.isOpen()) {
                    break;
                }
                channel.writeInbound(allocator.buffer(read.length, read.length).writeBytes(read));
                channel.checkException();
                written += releaseOutbound(channel);
            }
            ticker.advance(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
            channel.checkException();
            written += releaseOutbound(channel);

            check(admitted.size() <= 1, "admitted %d times", admitted.size());
            check(admittedClosed.isEmpty(), "admitted a stream that was already closed: %s", admittedClosed);
            check(!secret || admitted.isEmpty(), "admitted with a cluster secret the fuzzer cannot prove: %s",
                    admitted);
            if (admitted.isEmpty()) {
                check(!channel.isOpen(), "a stream that did not complete its handshake is open after the timeout");
            } else {
                Hello peer = admitted.get(0);
                check(peer.clusterName().equals(CLUSTER), "admitted another cluster: %s", peer);
                // Dialed: n2 is the member dialed. Accepted: only a stream from n2's address can be n2's.
                check(peer.nodeId().equals(N2.id()) && peer.address().equals(N2.ip()) && peer.port() == N2.tcpPort(),
                        "admitted a hello that is not n2's: %s", peer);
                check(remote != null || direction == Direction.OUTBOUND,
                        "admitted an accepted stream from a non-member address: %s", peer);
            }
            check(written <= 2, "the node wrote %d frames in its handshake", written);
            check(!refusals.contains(HelloException.Reason.ROUTINE), "a routine refusal was counted");
        } finally {
            channel.finishAndReleaseAll();
        }
        tail.assertOnlyFramingFailures();
        check(allocator.liveBytes() == 0, "%d bytes of buffers not released after close", allocator.liveBytes());
        Findings.noLeakReported();
        return !admitted.isEmpty();
    }

    private static int releaseOutbound(EmbeddedChannel channel) {
        int frames = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            frames++;
            ReferenceCountUtil.release(out);
        }
        return frames;
    }

    private static ControllerNode member(int k) {
        try {
            return new ControllerNode(NodeId.of("n" + k), InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k}),
                    7000 + k);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After the hello handler: frames that follow an admitted hello, and whatever fails. */
    private static final class Tail extends ChannelInboundHandlerAdapter {
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
            ctx.close();
        }

        /** The frame decoder's TooLongFrameException or CorruptedFrameException, nothing else. */
        void assertOnlyFramingFailures() {
            for (Throwable failure : failures) {
                if (!(failure instanceof DecoderException) || failure.getCause() != null) {
                    throw Findings.unexpected("the handshake failed with an undocumented exception", failure);
                }
            }
        }
    }

    /** An embedded channel whose peer may have an internet address, as an accepted TCP stream's has. */
    private static final class FuzzChannel extends EmbeddedChannel {
        private final InetSocketAddress remote;

        FuzzChannel(InetSocketAddress remote, EmbeddedChannel.Builder builder) {
            super(builder);
            this.remote = remote;
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
            return remote != null ? remote : super.remoteAddress0();
        }
    }
}
