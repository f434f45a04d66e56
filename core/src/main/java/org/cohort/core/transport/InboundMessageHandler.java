package org.cohort.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Intake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each message of one stream, in arrival order, to its {@link PeerSession}, which takes it exactly
 * once and hands it to the communications delegate (core's {@link Intake}, which says whether a
 * subscriber took it; any other delegate takes everything). A message must name the stream's peer as
 * its sender: a peer cannot speak for another node. Once the reads of a burst are done, the stream
 * drains, which writes the acknowledgement and any credit due.
 */
final class InboundMessageHandler extends SimpleChannelInboundHandler<InboundMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(InboundMessageHandler.class);

    private final Stream stream;
    private final Intake intake;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;

    InboundMessageHandler(Stream stream, CommunicationsDelegate delegate, TransportCounters counters) {
        super(InboundMessage.class);
        this.stream = stream;
        this.intake = delegate instanceof Intake own ? own : (message, consumption) -> {
            delegate.dispatch(message); // a delegate of the operator's own takes the message for good
            consumption.consumed(message);
            return Acceptance.ACCEPTED;
        };
        this.counters = counters;
        this.peerCounters = stream.peerCounters();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, InboundMessage inbound) {
        if (Boolean.TRUE.equals(ctx.channel().attr(StreamErrorHandler.BAD_INPUT).get())) {
            // What the frame decoder still held when the stream was closed for bad input: a peer that
            // broke the protocol is not trusted with the messages behind the break.
            return;
        }
        ClusterMessage message = inbound.message();
        if (!stream.peer().equals(message.sender())) {
            throw new CorruptedFrameException("message from " + stream.peer() + " claims sender " + message.sender());
        }
        counters.received.increment();
        peerCounters.messagesIn.increment();
        try {
            stream.session().receive(stream, inbound, intake);
        } catch (CorruptedFrameException e) {
            throw e;
        } catch (RuntimeException e) {
            // A local delegate's failure is not the peer's fault: count it and keep the stream.
            counters.dispatchFailures.increment();
            LOG.warn("Dispatch of {} from {} failed: {}", message.subject(), stream.peer(), e.toString());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.scheduleDrain();
        ctx.fireChannelReadComplete();
    }
}
