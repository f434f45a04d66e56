package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.util.Attribute;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Intake;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a stream's message frames, and takes the messages the reassembler put together, and hands each,
 * in arrival order, to the stream's {@link PeerSession}, which takes it exactly once and hands it to the
 * communications delegate (core's {@link Intake}, which says whether a subscriber took it; any other
 * delegate takes everything). A message must name the stream's peer as its sender: a peer cannot speak
 * for another node. Any other frame type after the hello, or an envelope that does not decode, fails the
 * stream (the error handler closes it and counts it). Once a read is done, its messages are handed to
 * their subscribers' executors in one go per subject (an {@link Intake.Batch}), and then the stream
 * drains, which writes the acknowledgement and any credit due.
 *
 * <p>A message frame is read where it sits, its delivery header straight into the session's call: the
 * common case allocates the payload and the message, nothing else.
 */
final class InboundMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(InboundMessageHandler.class);

    private final Stream stream;
    private final EnvelopeReader envelopes;
    /** The read's messages, handed to the subscribers' executors when the read is done. */
    private final Intake.Batch batch;
    private final TransportCounters counters;
    private final PeerCounters peerCounters;
    private Attribute<Boolean> badInput;

    /** @param envelopes the stream's envelope reader (it knows the peer and keeps the stream's subjects) */
    InboundMessageHandler(Stream stream, EnvelopeReader envelopes, CommunicationsDelegate delegate,
            TransportCounters counters) {
        this.stream = stream;
        this.envelopes = envelopes;
        Intake intake = delegate instanceof Intake own ? own : (message, consumption) -> {
            delegate.dispatch(message); // a delegate of the operator's own takes the message for good
            consumption.consumed(message);
            return Acceptance.ACCEPTED;
        };
        this.batch = intake.batch();
        this.counters = counters;
        this.peerCounters = stream.peerCounters();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        badInput = ctx.channel().attr(StreamErrorHandler.BAD_INPUT);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            long seq;
            int ttlMillis;
            ClusterMessage message;
            try {
                if (!frame.isReadable()) {
                    throw new CorruptedFrameException("empty frame");
                }
                byte type = frame.readByte();
                if (type != Frames.MESSAGE) {
                    throw new CorruptedFrameException("unexpected frame type " + type);
                }
                if (frame.readableBytes() < Frames.DELIVERY_HEADER_BYTES) {
                    throw new CorruptedFrameException("message frame of " + frame.readableBytes() + " bytes");
                }
                seq = frame.readLong();
                ttlMillis = frame.readInt();
                message = envelopes.decode(frame);
            } catch (DecoderException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DecoderException(e);
            } finally {
                frame.release();
            }
            deliver(seq, ttlMillis, message);
        } else if (msg instanceof InboundMessage reassembled) {
            deliver(reassembled.seq(), reassembled.ttlMillis(), reassembled.message());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void deliver(long seq, int ttlMillis, ClusterMessage message) {
        if (Boolean.TRUE.equals(badInput.get())) {
            // What the frame decoder still held when the stream was closed for bad input: a peer that
            // broke the protocol is not trusted with the messages behind the break.
            return;
        }
        if (!stream.peer().equals(message.sender())) {
            throw new CorruptedFrameException("message from " + stream.peer() + " claims sender " + message.sender());
        }
        counters.received.increment();
        peerCounters.messagesIn.increment();
        try {
            stream.session().receive(stream, seq, ttlMillis, message, batch);
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
        handOff();
        stream.scheduleDrain(); // after the hand-off: the ACK it writes may pass the read's messages now
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOff(); // a read cut short by a close: what it took was said to be accepted, so it is handed on
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        handOff();
    }

    /** Hands the read's messages to their subscribers' executors; then the session may acknowledge them. */
    private void handOff() {
        batch.handOff();
        stream.session().handedOff(stream);
    }
}
