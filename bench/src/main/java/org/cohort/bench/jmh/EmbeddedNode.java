package org.cohort.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.delivery.EnvelopeSender;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.membership.MembershipTable;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.transport.DetachedStream;

/**
 * One end of a stream for the microbenchmarks: Cohort's own stream ({@link DetachedStream}: the pipeline a
 * stream has after its hello, and its queue and framer) on an {@link EmbeddedChannel} instead of a socket,
 * with the messaging layer on top. The sender is a connection manager's for a connected peer (size check,
 * then the stream's queue). Everything runs on the calling thread: {@link #flushTo} drains the stream's
 * queue (the event loop's task) and hands the bytes to the peer.
 */
final class EmbeddedNode {

    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");

    /**
     * No heartbeat ticks and no silence verdicts: the handler still sees every frame, but its timer never
     * fires (EmbeddedChannel runs due timers inside {@code write}, which would put heartbeats between a
     * chunk's header and its body, something a real event loop never does), and one end being driven at a
     * time is not a failure here. Ten heartbeats a second are nothing next to the message rates measured.
     */
    static final FailureDetectionSettings PATIENT = new FailureDetectionSettings(Duration.ofDays(1), 8.0,
            Duration.ofMillis(100), Duration.ofDays(1));

    final NodeId self;
    final EmbeddedChannel channel;
    final DetachedStream stream;
    final CommunicationsComponent comms = new CommunicationsComponent();
    final ClusterCommunicator communicator;

    EmbeddedNode(NodeId self, NodeId peer) {
        this.self = self;
        ClusterSettings settings = settings(self);
        channel = new EmbeddedChannel();
        // As ConnectionManager configures its channels.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
        stream = DetachedStream.open(channel, peer, settings, comms, System::nanoTime);
        MessageSender sender = new StreamSender();
        comms.setSender(sender);
        MembershipTable membership = new MembershipTable(settings, 1, Instant.now());
        // The peer is connected, as a hello would have told: a request to a member not active fails at once.
        settings.members().stream().filter(member -> member.id().equals(peer)).findFirst()
                .ifPresent(member -> membership.nodeDetected(member, 1, Instant.now()));
        communicator = new ClusterCommunicator(self, comms, sender, membership, NodeRuntime.production());
    }

    /**
     * The node's sender, as the connection manager's is for a connected peer: a message from the
     * messaging layer goes by its envelope's fields ({@link EnvelopeSender}), one to this node straight
     * to its delegate. A refusal is {@link SendResult#QUEUE_FULL}, the only one a detached stream has.
     */
    private final class StreamSender implements MessageSender, EnvelopeSender {

        @Override
        public SendResult send(NodeId to, MessageSubject subject, byte[] payload, byte kind, long requestId,
                byte status) {
            if (to.equals(self)) {
                comms.dispatch(Envelope.message(self, subject, payload, kind, requestId, status));
                return SendResult.ACCEPTED;
            }
            return stream.send(subject, payload, kind, requestId, status) ? SendResult.ACCEPTED
                    : SendResult.QUEUE_FULL;
        }

        @Override
        public boolean send(NodeId to, ClusterMessage message) {
            if (to.equals(self)) {
                comms.dispatch(message);
                return true;
            }
            return stream.send(message);
        }

        @Override
        public SendResult trySend(NodeId to, ClusterMessage message) {
            return send(to, message) ? SendResult.ACCEPTED : SendResult.QUEUE_FULL;
        }

        @Override
        public CompletableFuture<Void> deliver(NodeId to, ClusterMessage message, Duration deadline) {
            // Nothing here waits for the peer's acceptance: done once queued.
            return send(to, message) ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new IllegalStateException("queue full"));
        }
    }

    private static ClusterSettings settings(NodeId self) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<ControllerNode> members = List.of(new ControllerNode(N1, loopback, 9001),
                new ControllerNode(N2, loopback, 9002));
        ClusterSettings defaults = ClusterSettings.defaults();
        return new ClusterSettings("bench", self, members, 1, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(2), defaults.maxMessageBytes(),
                defaults.maxReassemblyBytes(), defaults.outboundQueueBytes(), PATIENT);
    }

    /** Runs this end's pending event-loop work (the stream's drain) and delivers what it wrote to the peer. */
    int flushTo(EmbeddedNode peer) {
        int frames = 0;
        int before;
        do {
            before = frames;
            channel.runPendingTasks();
            ByteBuf frame;
            while ((frame = channel.readOutbound()) != null) {
                peer.channel.pipeline().fireChannelRead(frame);
                frames++;
            }
        } while (frames > before);
        if (frames > 0) {
            peer.channel.pipeline().fireChannelReadComplete();
        }
        return frames;
    }

    /** Hands each end's opening RESUME to the other: nothing is written before the peer's RESUME. */
    static void resume(EmbeddedNode a, EmbeddedNode b) {
        while (a.flushTo(b) + b.flushTo(a) > 0) {
            // until neither end has anything more to say
        }
    }

    void close() {
        communicator.close();
        channel.finishAndReleaseAll();
    }
}
