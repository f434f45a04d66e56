package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Random;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chunks from a peer are put back together, straight into the payload array the handler gets, only
 * within the limits, and anything else fails the stream.
 */
class MessageReassemblerTest {

    private static final int MAX_MESSAGE = 4 * Frames.CHUNK_BYTES;
    private static final long MAX_HELD = 6L * Frames.CHUNK_BYTES;

    private final TransportCounters counters = new TransportCounters();
    private static final NodeId PEER = NodeId.of("n1");
    private static final MessageSubject SUBJECT = MessageSubject.of("s");
    /** An envelope header from n1 on subject s, plain: lengths, names, kind, payload length. */
    private static final int HEADER = 1 + 2 + 2 + 1 + 1 + 4;

    private final MessageReassembler reassembler = new MessageReassembler(MAX_MESSAGE, MAX_HELD, counters,
            new EnvelopeReader(PEER));
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

    /** The last chunk: it carries the message's sequence number and time to live. */
    private static ByteBuf end(int id, long seq, byte[] chunk) {
        return Unpooled.buffer().writeByte(Frames.MESSAGE_END).writeInt(id).writeLong(seq).writeInt(0)
                .writeBytes(chunk);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    /** The envelope of a message, as the sender chunks it. */
    private static byte[] envelope(ClusterMessage message) {
        ByteBuf buffer = Unpooled.buffer();
        Envelope.encode(message, buffer);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        buffer.release();
        return bytes;
    }

    /** The header of a plain envelope from the peer of {@code envelopeBytes} in all, then {@code more}. */
    private static byte[] header(long envelopeBytes, byte[] more) {
        ByteBuf buffer = Unpooled.buffer().writeByte(2).writeBytes("n1".getBytes()).writeShort(1).writeByte('s')
                .writeByte(Envelope.PLAIN).writeInt((int) (envelopeBytes - HEADER)).writeBytes(more);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        buffer.release();
        return bytes;
    }

    @Test
    void interleavedChunksOfTwoMessagesComeOutAsTwoWholeMessages() {
        int chunk = Frames.CHUNK_BYTES;
        ClusterMessage first = new ClusterMessage(PEER, SUBJECT, bytes(2 * chunk + 5, 1));
        ClusterMessage second = HeadedMessage.of(PEER, SUBJECT, bytes(chunk + 1, 2), Envelope.REPLY, 77, (byte) 1);
        byte[] a = envelope(first);
        byte[] b = envelope(second);

        channel.writeInbound(start(7, a.length, slice(a, 0, chunk)));
        channel.writeInbound(start(9, b.length, slice(b, 0, chunk)));
        channel.writeInbound(part(7, slice(a, chunk, 2 * chunk)));
        assertThat(reassembler.heldBytes()).isEqualTo(a.length + b.length);
        channel.writeInbound(end(9, 1, slice(b, chunk, b.length)));
        channel.writeInbound(end(7, 2, slice(a, 2 * chunk, a.length)));

        InboundMessage numbered = channel.readInbound();
        assertThat(numbered.seq()).as("numbered as it completed").isEqualTo(1);
        ClusterMessage out = numbered.message();
        assertThat(out).isEqualTo(second).isInstanceOf(HeadedMessage.class);
        assertThat(out.sender()).as("the stream's peer, not a new id").isSameAs(PEER);
        assertThat(((InboundMessage) channel.readInbound()).message()).isEqualTo(first);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(reassembler.heldBytes()).isZero();
        assertThat(counters.snapshot()).containsEntry("chunkedReceived", 2L);
    }

    @Test
    void aFirstChunkFromAnotherSenderIsRefused() {
        byte[] a = envelope(new ClusterMessage(NodeId.of("n3"), SUBJECT, new byte[Frames.CHUNK_BYTES]));
        assertRefused(start(1, a.length, slice(a, 0, Frames.CHUNK_BYTES)), "claims sender n3");
    }

    @Test
    void aFirstChunkWhoseEnvelopeDisagreesWithItsLengthIsRefused() {
        assertRefused(start(1, Frames.CHUNK_BYTES + 10L, header(Frames.CHUNK_BYTES + 11L, new byte[1])),
                "its envelope");
        assertRefused(start(2, Frames.CHUNK_BYTES + 10L, slice(header(Frames.CHUNK_BYTES + 10L, new byte[0]), 0, 5)),
                "too short");
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
        channel.writeInbound(start(1, MAX_MESSAGE, header(MAX_MESSAGE, new byte[1])));
        channel.writeInbound(start(2, 2L * Frames.CHUNK_BYTES, header(2L * Frames.CHUNK_BYTES, new byte[1])));

        assertRefused(start(3, Frames.CHUNK_BYTES + 1L, new byte[1]), "over reassembly.max.bytes");
    }

    @Test
    void anIdStartedTwiceIsRefused() {
        channel.writeInbound(start(5, Frames.CHUNK_BYTES + 10L, header(Frames.CHUNK_BYTES + 10L, new byte[1])));

        assertRefused(start(5, Frames.CHUNK_BYTES + 10L, new byte[1]), "started twice");
    }

    @Test
    void aPartOfAnUnknownMessageIsRefused() {
        assertRefused(part(3, new byte[1]), "was not started");
    }

    @Test
    void aChunkThatOverrunsItsMessageIsRefused() {
        channel.writeInbound(start(1, Frames.CHUNK_BYTES + 10L,
                header(Frames.CHUNK_BYTES + 10L, new byte[Frames.CHUNK_BYTES - HEADER])));

        assertRefused(part(1, new byte[11]), "overruns");
    }

    @Test
    void anEmptyChunkIsRefused() {
        channel.writeInbound(start(1, Frames.CHUNK_BYTES + 10L, header(Frames.CHUNK_BYTES + 10L, new byte[1])));

        assertRefused(part(1, new byte[0]), "empty chunk");
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        assertRefused(Unpooled.buffer().writeByte(Frames.MESSAGE_START).writeInt(1), "too short");
        assertRefused(Unpooled.buffer().writeByte(Frames.MESSAGE_PART).writeShort(1), "too short");
    }

    @Test
    void partlyReceivedMessagesAreFreedWhenTheStreamCloses() {
        channel.writeInbound(start(1, MAX_MESSAGE, header(MAX_MESSAGE, new byte[100])));
        assertThat(reassembler.heldBytes()).isEqualTo(MAX_MESSAGE);

        channel.close();

        assertThat(reassembler.heldBytes()).isZero();
    }

    private void assertRefused(ByteBuf frame, String reason) {
        assertThatThrownBy(() -> channel.writeInbound(frame))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining(reason);
        assertThat(frame.refCnt()).as("the refused frame is released").isZero();
    }
}
