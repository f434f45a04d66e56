package org.cohort.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.junit.jupiter.api.Test;

/** A stream's envelope reader reuses the peer's id and its subjects, and refuses what does not fit. */
class EnvelopeReaderTest {

    private static final NodeId PEER = NodeId.of("node-1");
    private static final MessageSubject SUBJECT = MessageSubject.of("caf\u00e9.subject");

    private final EnvelopeReader reader = new EnvelopeReader(PEER);

    private static ByteBuf encode(ClusterMessage message) {
        ByteBuf buffer = Unpooled.buffer();
        Envelope.encode(message, buffer);
        return buffer;
    }

    @Test
    void everyKindRoundTripsAndTheNamesAreReused() {
        ClusterMessage[] messages = {
            new ClusterMessage(PEER, SUBJECT, new byte[] {1}),
            HeadedMessage.of(PEER, SUBJECT, new byte[] {2, 3}, Envelope.ONE_WAY, 0, (byte) 0),
            HeadedMessage.of(PEER, SUBJECT, new byte[0], Envelope.REQUEST, Long.MIN_VALUE, (byte) 0),
            HeadedMessage.of(PEER, MessageSubject.of("r"), new byte[] {4}, Envelope.REPLY, 42, (byte) 2),
        };
        MessageSubject first = null;
        for (ClusterMessage message : messages) {
            ByteBuf envelope = encode(message);
            assertThat(envelope.readableBytes()).isLessThanOrEqualTo(Envelope.maxEncodedLength(message));

            ClusterMessage decoded = reader.decode(envelope);

            assertThat(decoded).isEqualTo(message).hasSameClassAs(message);
            assertThat(decoded.sender()).as("the peer's own id").isSameAs(PEER);
            if (decoded.subject().equals(SUBJECT)) {
                first = first == null ? decoded.subject() : first;
                assertThat(decoded.subject()).as("the cached subject").isSameAs(first);
            }
            assertThat(envelope.isReadable()).isFalse();
            envelope.release();
        }
    }

    @Test
    void anotherSenderIsRefused() {
        ByteBuf envelope = encode(new ClusterMessage(NodeId.of("node-3"), SUBJECT, new byte[1]));

        assertThatThrownBy(() -> reader.decode(envelope)).isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("message from node-1 claims sender node-3");
        envelope.release();
    }

    @Test
    void aSenderThatOnlyStartsOrEndsLikeThePeerIsRefused() {
        for (String claimed : new String[] {"node-", "node-10", "xnode-1"}) {
            ByteBuf envelope = encode(new ClusterMessage(NodeId.of(claimed), SUBJECT, new byte[1]));

            assertThatThrownBy(() -> reader.decode(envelope)).isInstanceOf(CorruptedFrameException.class)
                    .hasMessageContaining("claims sender " + claimed);
            envelope.release();
        }
    }

    @Test
    void theLongestNamesAndManySubjectsSharingSlotsReadAsThemselves() {
        NodeId longest = NodeId.of("n".repeat(NodeId.MAX_LENGTH));
        MessageSubject widest = MessageSubject.of("\u20ac".repeat(MessageSubject.MAX_LENGTH));
        ByteBuf wide = encode(new ClusterMessage(longest, widest, new byte[] {7}));
        ClusterMessage decoded = new EnvelopeReader(longest).decode(wide);
        assertThat(decoded.sender()).isSameAs(longest);
        assertThat(decoded.subject()).isEqualTo(widest);
        wide.release();

        // Four times as many subjects as slots, twice over: each one is read as itself every time.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 4 * EnvelopeReader.SUBJECT_SLOTS; i++) {
                MessageSubject subject = MessageSubject.of("subject-" + i);
                ByteBuf envelope = encode(new ClusterMessage(PEER, subject, new byte[] {(byte) i}));
                assertThat(reader.decode(envelope).subject()).isEqualTo(subject);
                envelope.release();
            }
        }
    }

    @Test
    void anyValidSenderIsReadWithoutAPeer() {
        ByteBuf envelope = encode(new ClusterMessage(NodeId.of("node-3"), SUBJECT, new byte[1]));

        assertThat(Envelope.decode(envelope).sender()).isEqualTo(NodeId.of("node-3"));
        envelope.release();
    }

    @Test
    void malformedFieldsAreRefused() {
        assertRefused(Unpooled.buffer().writeByte(0), "sender id of 0 bytes");
        assertRefused(Unpooled.buffer().writeByte(3).writeBytes("a b".getBytes()), "sender id");
        assertRefused(header().writeShort(0), "subject of 0 bytes");
        assertRefused(header().writeShort(3).writeBytes("a b".getBytes()), "whitespace");
        assertRefused(header().writeShort(1).writeByte('s').writeByte(4), "unknown message kind 4");
        assertRefused(header().writeShort(1).writeByte('s').writeByte(Envelope.REPLY).writeLong(1), "too short");
        assertRefused(header().writeShort(1).writeByte('s').writeByte(0).writeInt(-1), "payload of 4294967295");
        assertRefused(header().writeShort(1).writeByte('s').writeByte(0).writeInt(2).writeByte(1), "1 follow");
    }

    private static ByteBuf header() {
        return Unpooled.buffer().writeByte(6).writeBytes("node-1".getBytes());
    }

    private void assertRefused(ByteBuf envelope, String reason) {
        assertThatThrownBy(() -> reader.decode(envelope)).isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining(reason);
        envelope.release();
    }
}
