package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.cohort.core.frame.Frames;

/**
 * Reads the session's control frames (RESUME, ACK, CREDIT) off a stream and hands them to its
 * {@link PeerSession}; every other frame passes on. What the session finds wrong with them (an ack of
 * what was never sent, absurd credit) fails the stream as bad input, as a malformed frame does.
 */
final class SessionControlHandler extends ChannelInboundHandlerAdapter {

    private final Stream stream;

    SessionControlHandler(Stream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte type = frame.isReadable() ? frame.getByte(frame.readerIndex()) : 0;
        if (type != Frames.RESUME && type != Frames.ACK && type != Frames.CREDIT) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            frame.skipBytes(Frames.TYPE_BYTES);
            PeerSession session = stream.session();
            switch (type) {
                case Frames.RESUME -> session.onResume(stream, SessionFrames.readResume(frame));
                case Frames.ACK -> session.onAck(stream, SessionFrames.readAck(frame));
                default -> session.onCredit(stream, SessionFrames.readCredit(frame));
            }
        } catch (DecoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DecoderException(e);
        } finally {
            frame.release();
        }
    }
}
