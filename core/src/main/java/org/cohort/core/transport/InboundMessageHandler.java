package org.cohort.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each message of one stream, in arrival order, to the communications delegate. A message must
 * name the stream's peer as its sender: a peer cannot speak for another node.
 */
final class InboundMessageHandler extends SimpleChannelInboundHandler<ClusterMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(InboundMessageHandler.class);

    private final NodeId peer;
    private final CommunicationsDelegate delegate;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;

    InboundMessageHandler(NodeId peer, CommunicationsDelegate delegate, TransportCounters counters,
            PeerCounters peerCounters) {
        super(ClusterMessage.class);
        this.peer = peer;
        this.delegate = delegate;
        this.counters = counters;
        this.peerCounters = peerCounters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClusterMessage message) {
        if (Boolean.TRUE.equals(ctx.channel().attr(StreamErrorHandler.BAD_INPUT).get())) {
            // What the frame decoder still held when the stream was closed for bad input: a peer that
            // broke the protocol is not trusted with the messages behind the break.
            return;
        }
        if (!peer.equals(message.sender())) {
            throw new CorruptedFrameException("message from " + peer + " claims sender " + message.sender());
        }
        counters.received.increment();
        peerCounters.messagesIn.increment();
        try {
            delegate.dispatch(message);
        } catch (RuntimeException e) {
            // A local delegate's failure is not the peer's fault: count it and keep the stream.
            counters.dispatchFailures.increment();
            LOG.warn("Dispatch of {} from {} failed: {}", message.subject(), peer, e.toString());
        }
    }
}
