package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.handshake.HelloHandler;

/**
 * Builds a stream's pipeline. Until the hello completes: framing capped at the hello's size, the hello
 * handler, the error handler. After: framing at the protocol's largest frame (one chunk), heartbeats,
 * reassembly of chunked messages, message decoding and dispatch. Outbound, the stream writes frames
 * itself (see {@link MessageFramer}).
 */
final class StreamInitializer extends ChannelInitializer<Channel> {

    static final String LOAD = "load";
    static final String GATE = "gate";
    static final String TLS = "tls";
    static final String TLS_OUTCOME = "tls-outcome";
    static final String BYTES = "bytes";
    static final String FRAMES = "frames";
    static final String HELLO = "hello";
    static final String HEARTBEAT = "heartbeat";
    static final String REASSEMBLY = "reassembly";
    static final String MESSAGES = "messages";
    static final String INBOUND = "inbound";
    static final String DRAIN = "drain";
    static final String ERRORS = "errors";

    private final ConnectionManager manager;
    private final Direction direction;
    private final NodeId expectedPeer;

    StreamInitializer(ConnectionManager manager, Direction direction, NodeId expectedPeer) {
        this.manager = manager;
        this.direction = direction;
        this.expectedPeer = expectedPeer;
    }

    @Override
    protected void initChannel(Channel channel) {
        TransportCounters counters = manager.transportCounters();
        if (direction == Direction.INBOUND) {
            counters.connectionsAccepted.increment();
            // Accepted streams took their worker through the group's chooser; dials release their own.
            channel.pipeline().addLast(LOAD, new LoadReleaser(manager.chooser()));
            channel.pipeline().addLast(GATE, new HandshakeGateHandler(manager.handshakeGate(), counters,
                    manager.gateWarnings()));
        }
        TlsContexts tls = manager.tls();
        if (tls != null) {
            // Before any frame: a peer that does not speak TLS, or is not trusted, never reaches the hello.
            SslHandler ssl = direction == Direction.INBOUND ? tls.server().newHandler(channel.alloc())
                    : tls.client().newHandler(channel.alloc());
            ssl.setHandshakeTimeoutMillis(manager.settings().helloTimeout().toMillis());
            channel.pipeline().addLast(TLS, ssl).addLast(TLS_OUTCOME, new TlsHandshakeObserver(counters));
        }
        channel.pipeline()
                .addLast(FRAMES, Frames.decoder(Frames.TYPE_BYTES + HelloCodec.MAX_HELLO_BYTES))
                .addLast(HELLO, new HelloHandler(direction, expectedPeer, manager.localHello(), manager.validator(),
                        manager.settings().helloTimeout(), manager::admit, counters::handshakeRefused,
                        manager.authenticator()))
                .addLast(ERRORS, manager.errorHandler());
    }

    /**
     * Called once the hello is done, on the channel's event loop, before any message frame is read. The
     * message handlers go in first and the hello handler out, and only then is the hello-sized frame
     * decoder swapped for the full-sized one: the swap hands any bytes that arrived right behind the
     * hello (a peer may send its first messages in the same segment) to the pipeline as it now is.
     */
    static void installMessagePipeline(ConnectionManager manager, Channel channel, Stream stream) {
        ChannelPipeline pipeline = channel.pipeline();
        HandshakeGateHandler gate = pipeline.get(HandshakeGateHandler.class);
        if (gate != null) {
            gate.completed();
        }
        pipeline.addFirst(BYTES, new PeerByteCounter(stream.peerCounters()));
        pipeline.addAfter(FRAMES, HEARTBEAT, new HeartbeatHandler(stream.peer(),
                manager.settings().failureDetection(), manager.transportCounters(), System::nanoTime));
        EnvelopeReader envelopes = new EnvelopeReader(stream.peer());
        pipeline.addBefore(ERRORS, REASSEMBLY, new MessageReassembler(manager.settings().maxMessageBytes(),
                manager.settings().maxReassemblyBytes(), manager.transportCounters(), envelopes));
        pipeline.addBefore(ERRORS, MESSAGES, new MessageFrameDecoder(envelopes));
        pipeline.addBefore(ERRORS, INBOUND,
                new InboundMessageHandler(stream.peer(), manager.commsDelegate(), manager.transportCounters(),
                        stream.peerCounters()));
        pipeline.addBefore(ERRORS, DRAIN, new DrainWhenWritable(stream));
        pipeline.remove(HELLO);
        pipeline.replace(FRAMES, FRAMES, Frames.decoder(Frames.MAX_FRAME_BYTES));
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
