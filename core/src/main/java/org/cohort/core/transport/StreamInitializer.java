package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.handshake.HelloException;
import org.cohort.core.handshake.HelloHandler;

/**
 * Builds a stream's pipeline. Until the hello completes: framing capped at the hello's size, the hello
 * handler, the error handler. After: framing at the protocol's largest frame (one chunk), heartbeats
 * (the ticker, then the silent-peer judge), the peer's goodbye, the session's control frames, reassembly
 * of chunked messages, and the messages themselves (decoded and handed to the session). Outbound, the stream writes frames itself (see {@link MessageFramer}). It reaches nothing
 * but its {@link PipelineParts}.
 */
final class StreamInitializer extends ChannelInitializer<Channel> {

    static final String LOAD = "load";
    static final String GATE = "gate";
    static final String TLS = "tls";
    static final String TLS_OUTCOME = "tls-outcome";
    static final String BYTES = "bytes";
    static final String FRAMES = "frames";
    static final String HELLO = "hello";
    static final String DROP_AFTER_BAD_INPUT = "drop-after-bad-input";
    static final String HEARTBEAT = "heartbeat";
    static final String SILENCE = "silence";
    static final String GOODBYE = "goodbye";
    static final String SESSION = "session";
    static final String REASSEMBLY = "reassembly";
    static final String INBOUND = "inbound";
    static final String DRAIN = "drain";
    static final String ERRORS = "errors";

    private final PipelineParts parts;
    private final Direction direction;
    private final NodeId expectedPeer;

    StreamInitializer(PipelineParts parts, Direction direction, NodeId expectedPeer) {
        this.parts = parts;
        this.direction = direction;
        this.expectedPeer = expectedPeer;
    }

    @Override
    protected void initChannel(Channel channel) {
        TransportCounters counters = parts.counters();
        Roster roster = parts.roster().get();
        if (direction == Direction.INBOUND) {
            counters.connectionsAccepted.increment();
            // Accepted streams took their worker through the group's chooser; dials release their own.
            channel.pipeline().addLast(LOAD, new LoadReleaser(parts.chooser()));
            channel.pipeline().addLast(GATE, new HandshakeGateHandler(parts.gate(), counters, parts.gateWarnings(),
                    parts.nanoClock()));
        }
        TlsContexts tls = parts.tls();
        if (tls != null) {
            // Before any frame: a peer that does not speak TLS, or is not trusted, never reaches the hello.
            SslHandler ssl = direction == Direction.INBOUND ? tls.server().newHandler(channel.alloc())
                    : tls.client().newHandler(channel.alloc());
            ssl.setHandshakeTimeoutMillis(roster.settings().helloTimeout().toMillis());
            channel.pipeline().addLast(TLS, ssl).addLast(TLS_OUTCOME, new TlsHandshakeObserver(counters));
        }
        channel.pipeline()
                .addLast(FRAMES, Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES))
                .addLast(HELLO, new HelloHandler(direction, expectedPeer, parts.localHello(), roster.validator(),
                        roster.settings().helloTimeout(), this::admit, counters::handshakeRefused,
                        roster.authenticator()))
                .addLast(ERRORS, parts.errorHandler());
    }

    /** The hello is done: the admission admits the stream (or throws), then the message handlers go in. */
    private Runnable admit(Channel channel, Direction side, Hello peer) throws HelloException {
        Stream stream = parts.admission().admit(channel, side, peer);
        return () -> installMessagePipeline(parts, channel, stream);
    }

    /**
     * Called once the hello is done, on the channel's event loop, before any message frame is read. The
     * message handlers go in first and the hello handler out, and only then is the hello-sized frame
     * decoder swapped for the full-sized one: the swap hands any bytes that arrived right behind the
     * hello (a peer may send its first messages in the same segment) to the pipeline as it now is.
     */
    static void installMessagePipeline(PipelineParts parts, Channel channel, Stream stream) {
        ChannelPipeline pipeline = channel.pipeline();
        HandshakeGateHandler gate = pipeline.get(HandshakeGateHandler.class);
        if (gate != null) {
            gate.completed();
        }
        pipeline.addFirst(BYTES, new PeerByteCounter(stream.peerCounters()));
        ClusterSettings settings = parts.roster().get().settings();
        TransportCounters counters = parts.counters();
        pipeline.addAfter(FRAMES, DROP_AFTER_BAD_INPUT, new BadInputDropper());
        pipeline.addAfter(DROP_AFTER_BAD_INPUT, HEARTBEAT,
                new HeartbeatTicker(settings.failureDetection().heartbeatInterval(), parts.nanoClock()));
        pipeline.addAfter(HEARTBEAT, SILENCE, new SilentPeerHandler(stream.peer(), settings.failureDetection(),
                counters, parts.nanoClock()));
        pipeline.addAfter(SILENCE, GOODBYE, new GoodbyeHandler(stream.peer()));
        EnvelopeReader envelopes = new EnvelopeReader(stream.peer());
        pipeline.addBefore(ERRORS, SESSION, new SessionControlHandler(stream));
        pipeline.addBefore(ERRORS, REASSEMBLY, new MessageReassembler(settings.maxMessageBytes(),
                settings.maxReassemblyBytes(), counters, envelopes));
        pipeline.addBefore(ERRORS, INBOUND,
                new InboundMessageHandler(stream, envelopes, parts.commsDelegate(), counters));
        pipeline.addBefore(ERRORS, DRAIN, new DrainWhenWritable(stream));
        pipeline.remove(HELLO);
        pipeline.replace(FRAMES, FRAMES, Frames.decoder(Frames.MAX_FRAME_BYTES));
    }

    /**
     * Heartbeats at the new interval and judges the peer by the new settings, with a fresh history (the
     * old one was gathered at another interval); on the channel's event loop.
     */
    static void reconfigureHeartbeats(Channel channel, FailureDetectionSettings next) {
        channel.eventLoop().execute(() -> {
            HeartbeatTicker ticker = channel.pipeline().get(HeartbeatTicker.class);
            if (ticker != null) {
                ticker.reconfigure(next.heartbeatInterval());
            }
            SilentPeerHandler judge = channel.pipeline().get(SilentPeerHandler.class);
            if (judge != null) {
                judge.reconfigure(next);
            }
        });
    }

    /** Gives the stream's worker slot back when the channel leaves its event loop. */
    private static final class LoadReleaser extends ChannelInboundHandlerAdapter {
        private final LeastLoadedChooserFactory chooser;

        LoadReleaser(LeastLoadedChooserFactory chooser) {
            this.chooser = chooser;
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) {
            chooser.release(ctx.channel().eventLoop());
            ctx.fireChannelUnregistered();
        }
    }

    /** Resumes draining a stream's queue once a slow peer has caught up. */
    private static final class DrainWhenWritable extends ChannelInboundHandlerAdapter {
        private final Stream stream;

        DrainWhenWritable(Stream stream) {
            this.stream = stream;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                stream.scheduleDrain();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
