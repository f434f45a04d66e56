package org.cohort.core.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSecret;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hello exchange on an embedded channel whose pipeline starts as a real stream's does: the frame
 * decoder capped at the hello's size, then the hello handler.
 */
class HelloHandlerTest {

    private static final String CLUSTER = "test-cluster";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ControllerNode N1 = member(1);
    private static final ControllerNode N2 = member(2);
    private static final ControllerNode N3 = member(3);
    private static final long N1_INCARNATION = 1001L;

    /** This node is n1. */
    private final HelloValidator validator = new HelloValidator(new ClusterSettings(CLUSTER, N1.id(),
            List.of(N1, N2, N3), 1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), TIMEOUT,
            1 << 20, 1 << 20));
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<Admitted> admitted = new ArrayList<>();
    private final List<Integer> outboundAtInstall = new ArrayList<>();
    private final MockTicker ticker = Ticker.newMockTicker();
    private EmbeddedChannel channel;
    /** This node's cluster secret: none unless a test sets one before opening. */
    private MemberAuthenticator authenticator = new MemberAuthenticator(ClusterSecret.NONE);
    private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple");

    /** A call of the listener, with how many frames the channel had written by then. */
    private record Admitted(Channel channel, Direction direction, Hello peer, int outboundAtAdmit) {
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    // ---- the exchange ----

    @Test
    void outboundWritesItsHelloAtOnce() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);

        Hello written = readHelloWritten();

        assertThat(written.nodeId()).isEqualTo(N1.id());
        assertThat(written.clusterName()).isEqualTo(CLUSTER);
        assertThat(written.incarnation()).isEqualTo(N1_INCARNATION);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(admitted).isEmpty();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void outboundCompletesOnAValidAnswer() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();
        ByteBuf answer = helloFrame(hello(N2));

        assertThat(channel.writeInbound(answer)).isFalse();

        assertThat(admitted).singleElement().satisfies(call -> {
            assertThat(call.channel()).isSameAs(channel);
            assertThat(call.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(call.peer().nodeId()).isEqualTo(N2.id());
            assertThat(call.peer().port()).isEqualTo(N2.tcpPort());
        });
        assertThat(outboundAtInstall).containsExactly(0);
        assertThat(channel.pipeline().get(HelloHandler.class)).isNull();
        assertThat((Object) channel.readOutbound()).as("no second hello").isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(refusals).hasValue(0);
        assertThat(answer.refCnt()).isZero();
        channel.checkException();
    }

    @Test
    void aCompletedHelloCancelsTheTimeout() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();
        channel.writeInbound(helloFrame(hello(N2)));

        ticker.advance(TIMEOUT.toNanos() * 2, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
        assertThat(refusals).hasValue(0);
    }

    @Test
    void inboundWritesNothingUntilAdmittedThenAnswers() throws Exception {
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        assertThat((Object) channel.readOutbound()).as("the acceptor does not speak first").isNull();

        channel.writeInbound(helloFrame(hello(N2)));

        assertThat(admitted).singleElement().satisfies(call -> {
            assertThat(call.direction()).isEqualTo(Direction.INBOUND);
            assertThat(call.peer().nodeId()).isEqualTo(N2.id());
            assertThat(call.outboundAtAdmit()).as("nothing written before the listener admits").isZero();
        });
        assertThat(outboundAtInstall).as("the reply is written before the pipeline is installed").containsExactly(1);
        assertThat(readHelloWritten().nodeId()).isEqualTo(N1.id());
        assertThat(channel.pipeline().get(HelloHandler.class)).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(refusals).hasValue(0);
        channel.checkException();
    }

    // ---- refusals ----

    @Test
    void aListenerRefusalClosesWithoutAHelloAndCounts() throws Exception {
        open(Direction.INBOUND, null, refusing(new HelloException("not welcome")),
                new InetSocketAddress(N2.ip(), 51234));
        ByteBuf hello = helloFrame(hello(N2));

        channel.writeInbound(hello);

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).as("no hello for a refused stream").isNull();
        assertThat(refusals).hasValue(1);
        assertThat(outboundAtInstall).isEmpty();
        assertThat(hello.refCnt()).isZero();
        channel.checkException();
    }

    @Test
    void aRoutineRefusalClosesWithoutCounting() throws Exception {
        open(Direction.INBOUND, null, refusing(HelloException.routine("simultaneous connect")),
                new InetSocketAddress(N2.ip(), 51234));

        channel.writeInbound(helloFrame(hello(N2)));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(refusals).hasValue(0);
        assertThat(outboundAtInstall).isEmpty();
    }

    @Test
    void aRoutineRefusalOfADialClosesWithoutCounting() throws Exception {
        open(Direction.OUTBOUND, N2.id(), refusing(HelloException.routine("superseded")), null);
        readHelloWritten();

        channel.writeInbound(helloFrame(hello(N2)));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(refusals).hasValue(0);
    }

    @Test
    void anAnswerFromAnotherNodeThanDialedIsRefusedBeforeTheListener() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();

        channel.writeInbound(helloFrame(hello(N3)));

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void anInboundStreamWithoutAMembersSourceAddressIsRefused() throws Exception {
        // A plain embedded channel's remote is an EmbeddedSocketAddress: no member connects from there.
        open(Direction.INBOUND, null, admitting(), null);

        channel.writeInbound(helloFrame(hello(N2)));

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void aFirstFrameThatIsNotAHelloCloses() throws Exception {
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        ByteBuf message = Unpooled.buffer();
        appendFrame(message, Frames.MESSAGE, new byte[] {1, 2, 3});

        channel.writeInbound(message);

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(refusals).hasValue(1);
        assertThat(message.refCnt()).isZero();
    }

    @Test
    void anEmptyFirstFrameCloses() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();

        channel.writeInbound(Unpooled.buffer().writeInt(0));

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void aMalformedHelloCloses() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();
        ByteBuf frame = helloFrame(hello(N2));
        frame.setByte(Frames.LENGTH_BYTES + Frames.TYPE_BYTES, 'X'); // spoil the magic

        channel.writeInbound(frame);

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void framesBehindARefusedFirstFrameAreDropped() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();
        ByteBuf both = Unpooled.buffer();
        appendFrame(both, Frames.MESSAGE, new byte[] {1});
        ByteBuf hello = helloFrame(hello(N2));
        both.writeBytes(hello);
        hello.release();

        channel.writeInbound(both);

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).as("the hello behind the bad frame is not read").isEmpty();
        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(refusals).hasValue(1);
        assertThat(both.refCnt()).isZero();
    }

    // ---- the timeout ----

    @Test
    void aSilentDialedPeerIsClosedAtTheTimeout() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();

        ticker.advance(TIMEOUT.toNanos() - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).as("just before the timeout").isTrue();

        ticker.advance(1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void aSilentAcceptedPeerIsClosedAtTheTimeout() throws Exception {
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));

        ticker.advance(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(refusals).hasValue(1);
    }

    @Test
    void aHalfSentHelloDoesNotHoldOffTheTimeout() throws Exception {
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        ByteBuf hello = helloFrame(hello(N2));
        channel.writeInbound(hello.readRetainedSlice(hello.readableBytes() / 2));
        hello.release();

        ticker.advance(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
    }

    // ---- after the hello ----

    @Test
    void framesAfterTheHelloArePassedOn() throws Exception {
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        readHelloWritten();
        // The answer and the first message arrive in one read.
        ByteBuf both = helloFrame(hello(N2));
        appendFrame(both, Frames.MESSAGE, new byte[] {1, 2, 3});

        assertThat(channel.writeInbound(both)).isTrue();

        assertMessageFrame(channel.readInbound(), 1, 2, 3);
        assertThat(admitted).hasSize(1);

        // And a later one, with the hello handler long gone.
        ByteBuf later = Unpooled.buffer();
        appendFrame(later, Frames.MESSAGE, new byte[] {4});
        assertThat(channel.writeInbound(later)).isTrue();

        assertMessageFrame(channel.readInbound(), 4);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(both.refCnt()).isZero();
        assertThat(later.refCnt()).isZero();
        channel.checkException();
    }

    @Test
    void framesAfterAnAcceptedHelloArePassedOn() throws Exception {
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        ByteBuf both = helloFrame(hello(N2));
        appendFrame(both, Frames.MESSAGE, new byte[] {7});

        channel.writeInbound(both);

        assertThat(readHelloWritten().nodeId()).isEqualTo(N1.id());
        assertMessageFrame(channel.readInbound(), 7);
    }

    // ---- with a cluster secret ----

    /** What a dialer n2 with the secret sends first: its hello with a fresh nonce. */
    private static Hello dialerHello() {
        return MemberAuthenticator.withAuthentication(hello(N2), new MemberAuthenticator(SECRET).newNonce(), null);
    }

    private static ByteBuf proofFrame(byte[] proof) {
        ByteBuf frame = Unpooled.buffer();
        appendFrame(frame, Frames.PROOF, proof);
        return frame;
    }

    private byte readWelcomeType() {
        ByteBuf frame = channel.readOutbound();
        assertThat(frame).as("a frame written").isNotNull();
        try {
            frame.readInt();
            return frame.readByte();
        } finally {
            frame.release();
        }
    }

    @Test
    void withASecretTheAcceptorAdmitsOnlyAfterTheDialerProvesItselfThenWelcomesIt() throws Exception {
        authenticator = new MemberAuthenticator(SECRET);
        MemberAuthenticator dialerSide = new MemberAuthenticator(SECRET);
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        Hello dialer = dialerHello();

        channel.writeInbound(helloFrame(dialer));
        Hello acceptor = readHelloWritten();

        assertThat(admitted).as("not admitted before the proof").isEmpty();
        dialerSide.verify(MemberAuthenticator.Role.ACCEPTOR, dialer, acceptor,
                acceptor.extensions().get(MemberAuthenticator.PROOF_EXTENSION));
        channel.writeInbound(proofFrame(dialerSide.proof(MemberAuthenticator.Role.DIALER, dialer, acceptor)));

        assertThat(admitted).singleElement().satisfies(call -> assertThat(call.peer().nodeId()).isEqualTo(N2.id()));
        assertThat(readWelcomeType()).isEqualTo(Frames.WELCOME);
        assertThat(refusals).hasValue(0);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aReplayedHandshakeIsRefused() throws Exception {
        authenticator = new MemberAuthenticator(SECRET);
        MemberAuthenticator dialerSide = new MemberAuthenticator(SECRET);
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        Hello dialer = dialerHello();
        channel.writeInbound(helloFrame(dialer));
        Hello acceptor = readHelloWritten();
        byte[] recordedProof = dialerSide.proof(MemberAuthenticator.Role.DIALER, dialer, acceptor);
        channel.writeInbound(proofFrame(recordedProof));
        assertThat(admitted).hasSize(1);
        channel.finishAndReleaseAll();

        // Someone who recorded that stream plays it back on a new one: the acceptor's nonce is new.
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        channel.writeInbound(helloFrame(dialer));
        readHelloWritten();
        channel.writeInbound(proofFrame(recordedProof));

        assertThat(admitted).hasSize(1);
        assertThat(refusals).hasValue(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aWrongSecretIsRefusedByTheDialerBeforeItProvesAnything() throws Exception {
        authenticator = new MemberAuthenticator(SECRET);
        MemberAuthenticator impostor = new MemberAuthenticator(ClusterSecret.of("another secret, sixteen+"));
        open(Direction.OUTBOUND, N2.id(), admitting(), null);
        Hello dialer = readHelloWritten();
        byte[] nonce = authenticator.newNonce();
        Hello withNonce = MemberAuthenticator.withAuthentication(hello(N2), nonce, null);
        Hello answer = MemberAuthenticator.withAuthentication(hello(N2), nonce,
                impostor.proof(MemberAuthenticator.Role.ACCEPTOR, dialer, withNonce));

        channel.writeInbound(helloFrame(answer));

        assertThat((Object) channel.readOutbound()).as("no proof sent to an impostor").isNull();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aNodeWithASecretRefusesAPeerWithoutOneAndTheOtherWayRound() throws Exception {
        authenticator = new MemberAuthenticator(SECRET);
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        channel.writeInbound(helloFrame(hello(N2)));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
        channel.finishAndReleaseAll();

        authenticator = new MemberAuthenticator(ClusterSecret.NONE);
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        channel.writeInbound(helloFrame(dialerHello()));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();

        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(2);
    }

    @Test
    void aDialerThatSendsNoProofIsClosedAtTheTimeout() throws Exception {
        authenticator = new MemberAuthenticator(SECRET);
        open(Direction.INBOUND, null, admitting(), new InetSocketAddress(N2.ip(), 51234));
        channel.writeInbound(helloFrame(dialerHello()));
        readHelloWritten();

        ticker.advance(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(admitted).isEmpty();
        assertThat(refusals).hasValue(1);
    }

    // ---- helpers ----

    private void open(Direction direction, NodeId expectedPeer, HandshakeListener listener,
            InetSocketAddress remote) {
        HelloHandler handler = new HelloHandler(direction, expectedPeer, hello(N1, N1_INCARNATION), validator,
                TIMEOUT, listener, reason -> refusals.incrementAndGet(), authenticator);
        // The event loop's clock moves only when the test says, from before the handler schedules its deadline.
        EmbeddedChannel.Builder builder = EmbeddedChannel.builder()
                .ticker(ticker)
                .handlers(Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES), handler);
        channel = remote == null ? builder.build() : new SourcedChannel(remote, builder);
    }

    private HandshakeListener admitting() {
        return (ch, direction, peer) -> {
            admitted.add(new Admitted(ch, direction, peer, ((EmbeddedChannel) ch).outboundMessages().size()));
            return () -> outboundAtInstall.add(((EmbeddedChannel) ch).outboundMessages().size());
        };
    }

    private HandshakeListener refusing(HelloException refusal) {
        return (ch, direction, peer) -> {
            throw refusal;
        };
    }

    private Hello readHelloWritten() throws HelloException {
        ByteBuf frame = channel.readOutbound();
        assertThat(frame).as("a hello written").isNotNull();
        try {
            assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
            assertThat(frame.readByte()).isEqualTo(Frames.HELLO);
            return HelloCodec.decode(frame);
        } finally {
            frame.release();
        }
    }

    private static void assertMessageFrame(ByteBuf frame, int... body) {
        assertThat(frame).as("a frame passed on").isNotNull();
        try {
            assertThat(frame.readByte()).isEqualTo(Frames.MESSAGE);
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            byte[] expected = new byte[body.length];
            for (int i = 0; i < body.length; i++) {
                expected[i] = (byte) body[i];
            }
            assertThat(bytes).containsExactly(expected);
        } finally {
            frame.release();
        }
    }

    private static ByteBuf helloFrame(Hello hello) {
        ByteBuf frame = Frames.start(UnpooledByteBufAllocator.DEFAULT, Frames.HELLO, 128);
        HelloCodec.encode(hello, frame);
        Frames.finish(frame, 0);
        return frame;
    }

    private static void appendFrame(ByteBuf buf, byte type, byte[] body) {
        int start = buf.writerIndex();
        buf.writeInt(0).writeByte(type).writeBytes(body);
        Frames.finish(buf, start);
    }

    private static Hello hello(ControllerNode node) {
        return hello(node, 2000L + node.tcpPort());
    }

    private static Hello hello(ControllerNode node, long incarnation) {
        return new Hello(HelloCodec.VERSION, CLUSTER, node.id(), node.ip(), node.tcpPort(), incarnation, Map.of());
    }

    private static ControllerNode member(int k) {
        try {
            return new ControllerNode(NodeId.of("n" + k), InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k}),
                    7000 + k);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An embedded channel whose peer has an internet address, as an accepted TCP stream's has. */
    private static final class SourcedChannel extends EmbeddedChannel {
        private final InetSocketAddress remote;

        SourcedChannel(InetSocketAddress remote, EmbeddedChannel.Builder builder) {
            super(builder.register(false));
            this.remote = remote;
            try {
                register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }
}
