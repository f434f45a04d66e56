package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.frame.Frames;

/**
 * Turns one message frame into a ClusterMessage. Any other frame type after the hello, or an envelope
 * that does not decode, fails the stream (the error handler closes it and counts it).
 */
@Sharable
final class MessageFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final SerializationService serialization;

    MessageFrameDecoder(SerializationService serialization) {
        super(ByteBuf.class);
        this.serialization = serialization;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        if (!frame.isReadable()) {
            throw new CorruptedFrameException("empty frame");
        }
        byte type = frame.readByte();
        if (type != Frames.MESSAGE) {
            throw new CorruptedFrameException("unexpected frame type " + type);
        }
        out.add(serialization.decode(frame.nioBuffer()));
    }
}
