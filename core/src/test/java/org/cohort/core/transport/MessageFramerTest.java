package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.EnvelopeReader;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.frame.Frames;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.handshake.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A drain's frames leave in batch buffers, large payloads as slices of their own arrays, and the peer's
 * pipeline reads back every message in order.
 */
class MessageFramerTest {

    private static final NodeId SELF = NodeId.of("n1");
    private static final MessageSubject SMALL = MessageSubject.of("small");
    private static final MessageSubject BULK = MessageSubject.of("bulk");

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel sender = new EmbeddedChannel();

    {
        // Room for a whole 1 MiB message in one drain (ConnectionManager pauses a drain at 1 MiB).
        sender.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 4 * 1024 * 1024));
    }

    private final PeerSession session = new PeerSession(SELF, NodeId.of("n2"), 1,
            new SessionLimits(64L << 20, 64L << 20, 1 << 20, 1L << 32, 1), new PeerCounters(), NodeClock.SYSTEM);
    private final Stream stream = new Stream(sender, NodeId.of("n2"), 1, Direction.OUTBOUND,
            new MessageFramer(SELF, 64L << 20, counters), counters, new PeerCounters(), session);

    {
        // The peer's RESUME grants the credit: from then on the session writes messages.
        session.attach(stream);
        session.onResume(stream, new SessionFrames.Resume(1, 0, 0, 1, 1 << 20, 1L << 32));
    }
    private final EnvelopeReader envelopes = new EnvelopeReader(SELF);
    private final EmbeddedChannel receiver = new EmbeddedChannel(Frames.decoder(Frames.MAX_FRAME_BYTES),
            new MessageReassembler(16 << 20, 64L << 20, counters, envelopes), new MessageFrameReader(envelopes));

    /** Reads whole message frames as the stream's inbound handler does, for the test to look at. */
    private static final class MessageFrameReader extends ChannelInboundHandlerAdapter {
        private final EnvelopeReader envelopes;

        MessageFrameReader(EnvelopeReader envelopes) {
            this.envelopes = envelopes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                assertThat(frame.readByte()).isEqualTo(Frames.MESSAGE);
                long seq = frame.readLong();
                int ttlMillis = frame.readInt();
                ctx.fireChannelRead(new InboundMessage(seq, ttlMillis, envelopes.decode(frame)));
            } finally {
                frame.release();
            }
        }
    }

    @AfterEach
    void close() {
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }

    private static ClusterMessage numbered(MessageSubject subject, int sequence, int bytes) {
        byte[] payload = new byte[bytes];
        new Random(sequence).nextBytes(payload);
        ByteBuffer.wrap(payload).putInt(0, sequence);
        return new ClusterMessage(SELF, subject, payload);
    }

    /** Drains the stream and returns the buffers it wrote, in order. */
    private List<ByteBuf> drain() {
        sender.runPendingTasks();
        List<ByteBuf> written = new ArrayList<>();
        for (ByteBuf out; (out = sender.readOutbound()) != null; ) {
            byte type = out.getByte(out.readerIndex() + Frames.LENGTH_BYTES);
            if (type == Frames.RESUME || type == Frames.ACK || type == Frames.CREDIT) {
                out.release(); // the session's control frames, not what this test is about
            } else {
                written.add(out);
            }
        }
        return written;
    }

    private List<ClusterMessage> receive(List<ByteBuf> written) {
        written.forEach(receiver::writeInbound);
        List<ClusterMessage> messages = new ArrayList<>();
        for (Object in; (in = receiver.readInbound()) != null; ) {
            messages.add(((InboundMessage) in).message());
        }
        return messages;
    }

    @Test
    void aMessageGivenByItsFieldsArrivesAsTheMessageItStandsFor() {
        // This node's messages are queued as their fields alone, small or chunked: the envelope names this
        // node as the sender and carries the kind, request id and status as a message object's would.
        List<ClusterMessage> sent = List.of(
                HeadedMessage.of(SELF, SMALL, numbered(SMALL, 0, 128).payload(), Envelope.ONE_WAY, 0, (byte) 0),
                HeadedMessage.of(SELF, SMALL, numbered(SMALL, 1, 64).payload(), Envelope.REQUEST, 41, (byte) 0),
                HeadedMessage.of(SELF, SMALL, numbered(SMALL, 2, 4).payload(), Envelope.REPLY, 42, (byte) 2),
                numbered(SMALL, 3, 16),
                HeadedMessage.of(SELF, BULK, numbered(BULK, 4, 3 * Frames.CHUNK_BYTES).payload(), Envelope.REPLY,
                        43, (byte) 1));
        for (ClusterMessage message : sent) {
            HeadedMessage headed = message instanceof HeadedMessage h ? h : null;
            OutboundMessage outbound = OutboundMessage.of(message.subject(), message.payload(),
                    Envelope.kindOf(message), headed == null ? 0 : headed.requestId(),
                    headed == null ? 0 : headed.status(), false);
            assertThat(outbound).as("no message object kept").isNotInstanceOf(OutboundMessage.Given.class);
            assertThat(session.offer(outbound).accepted()).isTrue();
        }

        List<ClusterMessage> received = new ArrayList<>();
        for (int round = 0; round < 10 && received.size() < sent.size(); round++) {
            received.addAll(receive(drain()));
        }

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void aMessageNamingAnotherSenderIsKeptAsGiven() {
        ClusterMessage relayed = new ClusterMessage(NodeId.of("n3"), SMALL, new byte[] {1});

        assertThat(OutboundMessage.of(relayed, SELF, false)).isInstanceOf(OutboundMessage.Given.class)
                .satisfies(outbound -> assertThat(outbound.sender(SELF)).isEqualTo(NodeId.of("n3")));
        assertThat(OutboundMessage.of(numbered(SMALL, 0, 4), SELF, false))
                .isNotInstanceOf(OutboundMessage.Given.class);
    }

    @Test
    void aBurstOfSmallMessagesLeavesInOneBuffer() {
        List<ClusterMessage> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ClusterMessage message = numbered(SMALL, i, 128);
            sent.add(message);
            assertThat(session.offer(OutboundMessage.of(message)).accepted()).isTrue();
        }

        List<ByteBuf> written = drain();

        assertThat(written).as("300 frames of about 150 bytes: one batch buffer, then a second").hasSize(1);
        assertThat(receive(written)).containsExactlyElementsOf(sent);
        assertThat(session.queuedBytes()).isZero();
        assertThat(counters.snapshot()).containsEntry("flushes", 1L);
    }

    @Test
    void batchesHoldAtMostTheirSizeAndANewOneStartsWhenOneIsFull() {
        List<ClusterMessage> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ClusterMessage message = numbered(SMALL, i, 2000);
            sent.add(message);
            session.offer(OutboundMessage.of(message));
        }

        List<ByteBuf> written = drain();

        assertThat(written).hasSizeBetween(4, 5); // 100 frames of ~2 KiB in 64 KiB batches
        assertThat(written).allSatisfy(buffer -> assertThat(buffer.readableBytes())
                .isLessThanOrEqualTo(MessageFramer.BATCH_BYTES));
        assertThat(receive(written)).containsExactlyElementsOf(sent);
    }

    @Test
    void aLargeMessageLeavesAsSlicesOfItsArrayWithOtherSubjectsBetweenItsChunks() {
        ClusterMessage large = numbered(BULK, 0, 1 << 20);
        session.offer(OutboundMessage.of(large));
        List<ClusterMessage> small = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            small.add(numbered(SMALL, i, 100));
            session.offer(OutboundMessage.of(small.get(i - 1)));
        }

        List<ByteBuf> written = drain();

        int slices = 0;
        for (ByteBuf buffer : written) {
            if (buffer.hasArray() && buffer.array() == large.payload()) {
                slices++;
            }
        }
        assertThat(slices).as("the payload is never copied into a frame buffer of its own").isEqualTo(17);
        List<ClusterMessage> received = receive(written);
        assertThat(received).hasSize(4);
        // One turn each: the small messages go between the first chunks, the large one arrives last.
        assertThat(received.subList(0, 3)).containsExactlyElementsOf(small);
        assertThat(received.get(3)).isEqualTo(large);
        assertThat(counters.snapshot()).containsEntry("chunkedSent", 1L).containsEntry("chunkedReceived", 1L);
    }

    @Test
    void aChunkHeaderWrittenOnItsOwnTakesABufferOfItsOwnSizeNotABatch() {
        ClusterMessage large = numbered(BULK, 0, 1 << 20);
        session.offer(OutboundMessage.of(large));

        List<ByteBuf> written = drain();

        List<ByteBuf> headers = written.stream()
                .filter(buffer -> !(buffer.hasArray() && buffer.array() == large.payload())).toList();
        assertThat(headers).hasSize(17);
        // The first holds the envelope header too: the subject and the sender's name.
        assertThat(headers).allSatisfy(header -> assertThat(header.capacity()).isLessThan(256));
        assertThat(receive(written)).containsExactly(large);
    }
}
