package org.cohort.core.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The frame layout shared by every frame on a stream: a 4-byte big-endian length, then a 1-byte frame
 * type, then the body. The length counts the type byte and the body.
 */
public final class Frames {

    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes of the type that starts every frame. */
    public static final int TYPE_BYTES = 1;

    /** The first frame on a stream, each way. */
    public static final byte HELLO = 1;
    /** One message envelope. */
    public static final byte MESSAGE = 2;
    /** A heartbeat: no body; it tells the peer's failure detector that this node is alive. */
    public static final byte HEARTBEAT = 3;

    private Frames() {
    }

    /**
     * A decoder that cuts the stream into frames (without the length prefix) of at most
     * {@code maxFrameBytes}; a longer declared length fails with TooLongFrameException before any of it
     * is buffered.
     */
    public static LengthFieldBasedFrameDecoder decoder(int maxFrameBytes) {
        return new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, LENGTH_BYTES, 0, LENGTH_BYTES, true);
    }

    /** Starts a frame of the given type in a buffer with room for {@code bodyBytes}; see {@link #finish}. */
    public static ByteBuf start(ByteBufAllocator allocator, byte type, int bodyBytes) {
        ByteBuf frame = allocator.ioBuffer(LENGTH_BYTES + TYPE_BYTES + bodyBytes);
        frame.writeInt(0);
        frame.writeByte(type);
        return frame;
    }

    /** Writes the length prefix of a frame begun at {@code frameStart} now that its body is written. */
    public static void finish(ByteBuf frame, int frameStart) {
        frame.setInt(frameStart, frame.writerIndex() - frameStart - LENGTH_BYTES);
    }
}
