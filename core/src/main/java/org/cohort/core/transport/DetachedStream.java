package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;
import java.util.function.LongSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.Randomness;

/**
 * One end of a stream as it is once its hello is done, on a channel the caller brings and drives (an
 * {@code EmbeddedChannel} in the JMH benchmarks): inbound, the pipeline {@link StreamInitializer} installs
 * after a hello (byte counting, framing, heartbeats, silence verdicts, reassembly, message decoding,
 * dispatch to the given delegate); outbound, the same queue and framer, behind the same size check as
 * {@link ConnectionManager#send}. No hello, no TLS, no connection manager: the caller decides when the
 * channel's event loop runs (the stream's drain is a task on it).
 *
 * <p>Public so that plain-Java callers outside this package (the benchmarks, and the fuzz module's stream
 * target and its seeds in org.cohort.fuzz.transport) need not reach into it.
 */
public final class DetachedStream {

    private final Stream stream;
    private final TransportCounters counters = new TransportCounters();
    private final NodeId localId;
    private final int maxMessageBytes;
    private final MessageReassembler reassembler;

    private DetachedStream(Channel channel, NodeId peer, ClusterSettings settings, CommunicationsDelegate comms,
            LongSupplier nanoTime) {
        PeerCounters peerCounters = new PeerCounters();
        localId = settings.localNode().id();
        maxMessageBytes = settings.maxMessageBytes();
        PeerSession session = new PeerSession(settings.localNode().id(), peer, 1, SessionLimits.of(settings),
                peerCounters, new NodeClock() {
                    @Override
                    public long nanoTime() {
                        return nanoTime.getAsLong();
                    }

                    @Override
                    public long currentTimeMillis() {
                        return NodeClock.SYSTEM.currentTimeMillis();
                    }

                    @Override
                    public java.time.Instant instant() {
                        return NodeClock.SYSTEM.instant();
                    }
                });
        stream = new Stream(channel, peer, 1, Direction.OUTBOUND,
                new MessageFramer(localId, settings.maxReassemblyBytes(), counters), counters, peerCounters, session);
        // The pipeline as a finished hello leaves it (framing, the hello's place, the error handler), then
        // the stream initializer's own step from there: the same handlers, in the same order.
        channel.pipeline()
                .addLast(StreamInitializer.FRAMES, Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES))
                .addLast(StreamInitializer.HELLO, new ChannelInboundHandlerAdapter())
                .addLast(StreamInitializer.ERRORS, new StreamErrorHandler(counters));
        PipelineParts parts = new PipelineParts(new Roster.InForce(Roster.of(settings, Randomness.seeded(0))),
                null, null, null, null, null, null, counters, null, comms, nanoTime);
        StreamInitializer.installMessagePipeline(parts, channel, stream);
        reassembler = channel.pipeline().get(MessageReassembler.class);
        session.attach(stream); // the stream opens with its RESUME, as an admitted one does
    }

    /**
     * Installs the message pipeline on {@code channel} (configured by the caller, write-buffer water marks
     * included) and opens the stream's outbound queue on it.
     *
     * @param peer the node at the other end
     * @param settings message size limits, queue size and failure detection, as a node's
     * @param comms where received messages go
     * @param nanoTime the heartbeat handler's clock
     */
    public static DetachedStream open(Channel channel, NodeId peer, ClusterSettings settings,
            CommunicationsDelegate comms, LongSupplier nanoTime) {
        return new DetachedStream(channel, peer, settings, comms, nanoTime);
    }

    /**
     * Queues a message as {@link ConnectionManager#send} does for a connected peer: refused if larger than
     * {@code message.max.bytes} or if the queue is full; never blocks. Nothing is written before the
     * peer's RESUME (the other end of a detached stream sends one as it opens).
     */
    public boolean send(ClusterMessage message) {
        if (Envelope.maxEncodedLength(message) > maxMessageBytes) {
            counters.sendRefusedTooLarge.increment();
            return false;
        }
        return stream.session().offer(OutboundMessage.of(message, localId, false)).accepted();
    }

    /**
     * Queues a message of this node given by its envelope's fields, as the connection manager's
     * {@link org.cohort.core.delivery.EnvelopeSender} does for a connected peer (see {@link #send(ClusterMessage)}).
     */
    public boolean send(MessageSubject subject, byte[] payload, byte kind, long requestId, byte status) {
        if (Envelope.maxEncodedLength(localId, subject, kind, payload.length) > maxMessageBytes) {
            counters.sendRefusedTooLarge.increment();
            return false;
        }
        return stream.session().offer(OutboundMessage.of(subject, payload, kind, requestId, status, false))
                .accepted();
    }

    /** Queues a message with no size check, as the session's own queue takes it: refused only if full. */
    public boolean offer(ClusterMessage message) {
        return stream.session().offer(OutboundMessage.of(message)).accepted();
    }

    /**
     * @return bytes of partly received chunked messages this end holds now, never over
     *     {@code reassembly.max.bytes}; for the fuzz module's stream target, which checks that bound
     */
    public long reassemblyHeldBytes() {
        return reassembler.heldBytes();
    }

    /** @return this end's transport counters by name, as {@code cluster:stats} names them */
    public Map<String, Long> counters() {
        return counters.snapshot();
    }
}
