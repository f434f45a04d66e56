package org.cohort.core.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
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
    /** One message: its delivery header ({@link #DELIVERY_HEADER_BYTES}), then its envelope. */
    public static final byte MESSAGE = 2;
    /** A heartbeat: no body; it tells the peer's failure detector that this node is alive. */
    public static final byte HEARTBEAT = 3;
    /**
     * The first chunk of a message too large for one frame: {@code [u32 message id][u32 envelope
     * bytes][chunk]}. The id is the sender's, unique on the stream while the message is in flight.
     */
    public static final byte MESSAGE_START = 4;
    /**
     * A further chunk of a message begun by {@link #MESSAGE_START}, not its last: {@code [u32 message
     * id][chunk]}.
     */
    public static final byte MESSAGE_PART = 5;
    /** With a cluster secret: the dialer's proof that it knows the secret, after the acceptor's hello. */
    public static final byte PROOF = 6;
    /** With a cluster secret: the acceptor admitted the dialer; no body. */
    public static final byte WELCOME = 7;
    /**
     * The sender is stopping its cluster I/O on purpose and closes the stream next: {@code [u8 reason]}
     * (one of the {@code GOODBYE_*} reasons; a reason the receiver does not know still means goodbye). The
     * receiver marks the sender as left, not failed, and closes the stream; it reads nothing after it.
     */
    public static final byte GOODBYE = 8;
    /** Bytes of a {@link #GOODBYE} body: exactly the reason. */
    public static final int GOODBYE_BODY_BYTES = 1;
    /** {@link #GOODBYE} reason: the node's cluster I/O is stopping (bundle stop, uninstall, shutdown). */
    public static final byte GOODBYE_STOPPING = 0;
    /**
     * The receiver's cumulative acknowledgement: {@code [u64 received through][u64 outcomes sent]}: every
     * message up to that sequence number arrived and was accepted, unless one of the first "outcomes
     * sent" outcome messages said otherwise (the sender settles the acknowledgement once it has read them).
     */
    public static final byte ACK = 9;
    /**
     * Credit the receiver returns: {@code [u16 count]}, then per subject {@code [u16 subject length]
     * [subject, UTF-8][u64 messages consumed][u64 bytes consumed]}, totals since the session began.
     */
    public static final byte CREDIT = 10;
    /**
     * The first frame each way after the hello: {@code [u64 epoch][u64 received through][u64 outcomes
     * sent][u64 first sequence number to come][u32 window messages][u64 window bytes]}: where the sender
     * resends from, and the credit each subject starts with. A new epoch (the sender failed back what it
     * held after the peer was unreachable too long) starts the credit afresh.
     */
    public static final byte RESUME = 11;
    /**
     * The last chunk of a message begun by {@link #MESSAGE_START}: {@code [u32 message id][delivery
     * header][chunk]}. The sequence number comes with the last chunk, so that messages are numbered in
     * the order they complete, which is the order the receiver hands them on.
     */
    public static final byte MESSAGE_END = 12;

    /**
     * Bytes of a message's delivery header, in front of its envelope: {@code [u64 sequence number]
     * [u32 time to live, ms]}. Sequence 0 is a message sent at most once (no ack, no resend, no credit);
     * time to live 0 is none, {@link #EXPIRED} is a message whose deadline passed before it was resent.
     */
    public static final int DELIVERY_HEADER_BYTES = 8 + 4;
    /** The time to live of a message resent after its deadline: the receiver drops it and says so. */
    public static final int EXPIRED = -1;

    /**
     * The most envelope bytes one frame carries. A larger envelope is sent as chunks of this size, so a
     * large message holds up heartbeats and other subjects for one chunk at a time, not for all of it.
     */
    public static final int CHUNK_BYTES = 64 * 1024;
    /** Bytes of a {@link #MESSAGE_START} header after the type: message id and envelope length. */
    public static final int START_HEADER_BYTES = 8;
    /** Bytes of a {@link #MESSAGE_END} header after the type: the message id and the delivery header. */
    public static final int END_HEADER_BYTES = 4 + DELIVERY_HEADER_BYTES;
    /** Bytes of a {@link #MESSAGE_PART} header after the type: the message id. */
    public static final int PART_HEADER_BYTES = 4;
    /**
     * The largest frame (type and body, without the length prefix) accepted after the hello: every frame
     * is at most one chunk plus its header. A protocol constant, so that every member agrees.
     */
    public static final int MAX_FRAME_BYTES = TYPE_BYTES + END_HEADER_BYTES + CHUNK_BYTES;
    /** The most bytes of a {@link #CREDIT} frame's body; more subjects go in further frames. */
    public static final int MAX_CREDIT_BYTES = CHUNK_BYTES;

    private Frames() {
    }

    /**
     * A decoder that cuts the stream into frames (without the length prefix) of at most
     * {@code maxFrameBytes}; a longer declared length fails with TooLongFrameException before any of it
     * is buffered.
     */
    public static LengthFieldBasedFrameDecoder decoder(int maxFrameBytes) {
        // Netty's maximum counts the length prefix too.
        LengthFieldBasedFrameDecoder decoder = new LengthFieldBasedFrameDecoder(LENGTH_BYTES + maxFrameBytes, 0,
                LENGTH_BYTES, 0, LENGTH_BYTES, true);
        decoder.setCumulator(CUMULATOR);
        return decoder;
    }

    /** Below this many bytes of a partial frame, the next read is copied behind them; from it, kept as is. */
    static final int COMPOSE_FROM_BYTES = 16 * 1024;

    /**
     * How the frame decoder joins a partial frame with the next read. A chunk frame (64 KiB and its
     * header) is larger than a read, so nearly every read of a bulk transfer ends inside one: copying the
     * next read behind it (Netty's default) would copy every byte once more before reassembly, so a large
     * partial frame keeps the reads as they are and the frame is sliced across them. A small partial frame
     * (the tail of a read of small messages) is merged as usual: slices of one buffer read faster than
     * slices of a composite.
     */
    private static final ByteToMessageDecoder.Cumulator CUMULATOR = (allocator, cumulation, in) ->
            cumulation instanceof CompositeByteBuf || cumulation.readableBytes() >= COMPOSE_FROM_BYTES
                    ? ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(allocator, cumulation, in)
                    : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(allocator, cumulation, in);

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
