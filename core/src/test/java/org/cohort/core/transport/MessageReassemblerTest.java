package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Random;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Chunks from a peer are put back together only within the limits, and anything else fails the stream. */
class MessageReassemblerTest {

    private static final int MAX_MESSAGE = 4 * Frames.CHUNK_BYTES;
    private static final long MAX_HELD = 6L * Frames.CHUNK_BYTES;

    private final TransportCounters counters = new TransportCounters();
    private final MessageReassembler reassembler = new MessageReassembler(MAX_MESSAGE, MAX_HELD, counters);
    private final EmbeddedChannel channel = new EmbeddedChannel(reassembler);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A frame as the frame decoder hands it on: type and body, no length prefix. */
    private static ByteBuf start(int id, long length, byte[] chunk) {
        return Unpooled.buffer().writeByte(Frames.MESSAGE_START).writeInt(id).writeInt((int) length).writeBytes(chunk);
    }

    private static ByteBuf part(int id, byte[] chunk) {
        return Unpooled.buffer().writeByte(Frames.MESSAGE_PART).writeInt(id).writeBytes(chunk);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] readMessageFrame(ByteBuf frame) {
        try {
            assertThat(frame.readByte()).isEqualTo(Frames.MESSAGE);
            byte[] envelope = new byte[frame.readableBytes()];
            frame.readBytes(envelope);
            return envelope;
        } finally {
            frame.release();
        }
    }

    @Test
    void interleavedChunksOfTwoMessagesComeOutAsTwoWholeMessageFrames() {
        int chunk = Frames.CHUNK_BYTES;
        byte[] a = bytes(2 * chunk + 5, 1);
        byte[] b = bytes(chunk + 1, 2);

        channel.writeInbound(start(7, a.length, slice(a, 0, chunk)));
        channel.writeInbound(start(9, b.length, slice(b, 0, chunk)));
        channel.writeInbound(part(7, slice(a, chunk, 2 * chunk)));
        assertThat(reassembler.heldBytes()).isEqualTo(a.length + b.length);
        channel.writeInbound(part(9, slice(b, chunk, b.length)));
        channel.writeInbound(part(7, slice(a, 2 * chunk, a.length)));

        assertThat(readMessageFrame(channel.readInbound())).isEqualTo(b);
        assertThat(readMessageFrame(channel.readInbound())).isEqualTo(a);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(reassembler.heldBytes()).isZero();
        assertThat(counters.snapshot()).containsEntry("chunkedReceived", 2L);
    }

    @Test
    void otherFramesPassThroughUntouched() {
        ByteBuf heartbeat = Unpooled.buffer().writeByte(Frames.MESSAGE).writeInt(42);
        channel.writeInbound(heartbeat);

        ByteBuf out = channel.readInbound();
        assertThat(out).isSameAs(heartbeat);
        out.release();
    }

    @Test
    void aChunkedMessageThatWouldFitOneFrameIsRefused() {
        assertRefused(start(1, Frames.CHUNK_BYTES, new byte[10]), "fits one frame");
    }

    @Test
    void aMessageOverTheMaximumIsRefusedBeforeAnythingIsAllocated() {
        assertRefused(start(1, MAX_MESSAGE + 1L, new byte[10]), "exceeds message.max.bytes");
        assertRefused(start(2, 0xFFFF_FFFFL, new byte[10]), "exceeds message.max.bytes");
    }

    @Test
    void messagesBeyondTheReassemblyLimitAreRefused() {
        channel.writeInbound(start(1, MAX_MESSAGE, new byte[1]));
        channel.writeInbound(start(2, 2L * Frames.CHUNK_BYTES, new byte[1]));

        assertRefused(start(3, Frames.CHUNK_BYTES + 1L, new byte[1]), "over reassembly.max.bytes");
    }

    @Test
    void anIdStartedTwiceIsRefused() {
        channel.writeInbound(start(5, Frames.CHUNK_BYTES + 10L, new byte[1]));

        assertRefused(start(5, Frames.CHUNK_BYTES + 10L, new byte[1]), "started twice");
    }

    @Test
    void aPartOfAnUnknownMessageIsRefused() {
        assertRefused(part(3, new byte[1]), "was not started");
    }

    @Test
    void aChunkThatOverrunsItsMessageIsRefused() {
        channel.writeInbound(start(1, Frames.CHUNK_BYTES + 10L, new byte[Frames.CHUNK_BYTES]));

        assertRefused(part(1, new byte[11]), "overruns");
    }

    @Test
    void anEmptyChunkIsRefused() {
        channel.writeInbound(start(1, Frames.CHUNK_BYTES + 10L, new byte[1]));

        assertRefused(part(1, new byte[0]), "empty chunk");
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        assertRefused(Unpooled.buffer().writeByte(Frames.MESSAGE_START).writeInt(1), "too short");
        assertRefused(Unpooled.buffer().writeByte(Frames.MESSAGE_PART).writeShort(1), "too short");
    }

    @Test
    void partlyReceivedMessagesAreFreedWhenTheStreamCloses() {
        channel.writeInbound(start(1, MAX_MESSAGE, new byte[100]));
        assertThat(reassembler.heldBytes()).isEqualTo(MAX_MESSAGE);

        channel.close();

        // the leak detector (paranoid in this build) reports the buffer if it was not released
        assertThat(reassembler.heldBytes()).isZero();
    }

    private void assertRefused(ByteBuf frame, String reason) {
        assertThatThrownBy(() -> channel.writeInbound(frame))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining(reason);
        assertThat(frame.refCnt()).as("the refused frame is released").isZero();
    }
}
