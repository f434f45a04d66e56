package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.frame.Frames;

/**
 * Turns one message frame into a ClusterMessage; messages the reassembler put together pass on as they
 * are. Any other frame type after the hello, or an envelope that does not decode, fails the stream (the
 * error handler closes it and counts it). One per stream: its envelope reader knows the peer and keeps
 * the stream's subjects.
 */
final class MessageFrameDecoder extends ChannelInboundHandlerAdapter {

    private final EnvelopeReader envelopes;

    MessageFrameDecoder(EnvelopeReader envelopes) {
        this.envelopes = envelopes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundMessage message;
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
            long seq = frame.readLong();
            int ttl = frame.readInt();
            message = new InboundMessage(seq, ttl, envelopes.decode(frame));
        } catch (DecoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DecoderException(e);
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(message);
    }
}
