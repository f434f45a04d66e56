package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.frame.Frames;

/**
 * Writes a message as one frame in one buffer: length, type, envelope. The envelope is encoded straight
 * into the outbound buffer, so the payload is copied once, from the caller's array to the socket buffer.
 */
@Sharable
final class MessageFrameEncoder extends MessageToByteEncoder<ClusterMessage> {

    private final SerializationService serialization;

    MessageFrameEncoder(SerializationService serialization) {
        super(ClusterMessage.class);
        this.serialization = serialization;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ClusterMessage message, boolean preferDirect) {
        return ctx.alloc().ioBuffer(Frames.LENGTH_BYTES + Frames.TYPE_BYTES + serialization.maxEncodedLength(message));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ClusterMessage message, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(Frames.MESSAGE);
        ByteBuffer body = out.nioBuffer(out.writerIndex(), out.writableBytes());
        serialization.encode(message, body);
        out.writerIndex(out.writerIndex() + body.position());
        Frames.finish(out, start);
    }
}
