package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.runtime.ManualClock;
import org.cohort.core.runtime.Randomness;
import org.cohort.core.testing.InProcessCluster;

/**
 * Two nodes' sessions with each other, their streams on {@link EmbeddedChannel}s that the test pumps by
 * hand: every frame one writes can be handed to the other, held back or lost, and the streams can be cut
 * and opened again over the same sessions, as a reset and a reconnect do. The streams have the real
 * message pipeline (framing, session control, reassembly, decoding, delivery); time is a manual clock.
 */
final class SessionPair implements AutoCloseable {

    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    /** One node's side: its session with the other, its intake, its live stream. */
    final class End {
        final NodeId id;
        final NodeId peer;
        final ClusterSettings settings;
        final TransportCounters counters = new TransportCounters();
        final PeerCounters peerCounters = new PeerCounters();
        final RecordingIntake intake = new RecordingIntake();
        final PeerSession session;
        EmbeddedChannel channel;
        Stream stream;

        End(NodeId id, NodeId peer, SessionLimits limits) {
            this.id = id;
            this.peer = peer;
            this.settings = settings(id);
            this.session = new PeerSession(id, peer, 1, limits, peerCounters, clock);
        }

        void open() {
            channel = new EmbeddedChannel();
            // The channel's scheduler stands still too: its heartbeat ticks would otherwise run on the wall
            // clock, between the test's steps, and write and flush on their own.
            channel.freezeTime();
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 << 20, 16 << 20));
            stream = new Stream(channel, peer, 1, Direction.OUTBOUND,
                    new MessageFramer(settings.localNode().id(), settings.maxReassemblyBytes(), counters), counters, peerCounters, session);
            channel.pipeline()
                    .addLast(StreamInitializer.FRAMES, Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES))
                    .addLast(StreamInitializer.HELLO, new ChannelInboundHandlerAdapter())
                    .addLast(StreamInitializer.ERRORS, new StreamErrorHandler(counters));
            PipelineParts parts = new PipelineParts(new Roster.InForce(Roster.of(settings, Randomness.seeded(0))),
                    null, null, null, null, null, null, counters, null, intake, clock::nanoTime);
            StreamInitializer.installMessagePipeline(parts, channel, stream);
            session.attach(stream);
        }

        /** Sends as {@code MessageSender.trySend} does. */
        SendResult send(MessageSubject subject, int payload) {
            return session.offer(OutboundMessage.of(message(subject, payload)));
        }

        /** Sends as {@code MessageSender.deliver} does: the future says what became of the message. */
        CompletableFuture<Void> deliver(MessageSubject subject, int payload) {
            return deliver(subject, payload, 0);
        }

        CompletableFuture<Void> deliver(MessageSubject subject, int payload, long deadlineNanos) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            SendResult result = session.offer(OutboundMessage.of(message(subject, payload), outcome, deadlineNanos,
                    null, false));
            if (!result.accepted()) {
                outcome.completeExceptionally(new IllegalStateException("refused: " + result));
            }
            return outcome;
        }

        ClusterMessage message(MessageSubject subject, int payload) {
            byte[] bytes = new byte[4 + payloadPadding];
            java.nio.ByteBuffer.wrap(bytes).putInt(payload);
            return new ClusterMessage(id, subject, bytes);
        }

        long badFrames() {
            return counters.snapshot().get("badFrames");
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
    final End a;
    final End b;
    int payloadPadding;

    SessionPair(SessionLimits limits) {
        a = new End(A, B, limits);
        b = new End(B, A, limits);
        a.open();
        b.open();
    }

    static SessionLimits limits(int windowMessages, long windowBytes) {
        return new SessionLimits(64L << 20, 64L << 20, windowMessages, windowBytes, Duration.ofSeconds(10).toNanos());
    }

    /** Hands every frame each side writes to the other until neither writes any more. */
    int pump() {
        return pump(frame -> true, frame -> true);
    }

    /**
     * Hands frames across until quiet, each only if its filter passes it (the others are lost).
     *
     * @return the frames handed across
     */
    int pump(Predicate<ByteBuf> aToB, Predicate<ByteBuf> bToA) {
        int moved = 0;
        for (int round = 0; round < 100_000; round++) {
            int now = move(a, b, aToB) + move(b, a, bToA);
            if (now == 0) {
                return moved;
            }
            moved += now;
        }
        throw new AssertionError("the sessions never went quiet");
    }

    /** Hands what A writes to B, leaving what B writes (its acks) waiting on B's side, not lost. */
    int pumpAToB() {
        int moved = 0;
        for (int round = 0; round < 100_000; round++) {
            int now = move(a, b, frame -> true);
            if (now == 0) {
                return moved;
            }
            moved += now;
        }
        throw new AssertionError("A never went quiet");
    }

    private static int move(End from, End to, Predicate<ByteBuf> pass) {
        from.channel.runPendingTasks();
        int moved = 0;
        for (ByteBuf out; (out = from.channel.readOutbound()) != null; ) {
            moved++;
            if (pass.test(out) && to.channel.isActive()) {
                to.channel.writeInbound(out);
            } else {
                out.release();
            }
        }
        to.channel.runPendingTasks();
        return moved;
    }

    /** Both streams die (a reset): whatever was written and not handed across is lost. */
    void cut() {
        for (End end : List.of(a, b)) {
            end.channel.runPendingTasks();
            end.channel.finishAndReleaseAll();
            end.session.detached(end.stream);
        }
    }

    /** New streams over the same sessions, as after a reconnect to the same incarnation. */
    void reconnect() {
        a.open();
        b.open();
    }

    /** Passes a stream's RESUME and loses everything else it writes (acks, credit, outcomes, messages). */
    static Predicate<ByteBuf> onlyResume() {
        return frame -> typeOf(frame) == Frames.RESUME;
    }

    /** The type of the first frame in a buffer a stream wrote. */
    static byte typeOf(ByteBuf written) {
        return written.getByte(written.readerIndex() + Frames.LENGTH_BYTES);
    }

    private static ClusterSettings settings(NodeId self) {
        List<ControllerNode> members = List.of(new ControllerNode(A, loopback(1), 7001),
                new ControllerNode(B, loopback(2), 7002));
        return new ClusterSettings(InProcessCluster.CLUSTER_NAME, self, members, 1, Duration.ofMillis(50),
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(2), 1024 * 1024, 64L << 20,
                InProcessCluster.PATIENT);
    }

    private static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        a.channel.finishAndReleaseAll();
        b.channel.finishAndReleaseAll();
    }
}
