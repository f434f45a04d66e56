package org.cohort.fuzz.transport;

import static org.cohort.fuzz.Findings.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.cohort.core.frame.Frames;
import org.cohort.core.transport.DetachedStream;
import org.cohort.fuzz.Findings;
import org.cohort.fuzz.StreamScript;
import org.cohort.fuzz.TrackingAllocator;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what an admitted peer's bytes go through: the stream's inbound pipeline after the hello as
 * {@code StreamInitializer.installMessagePipeline} builds it (frames of at most one chunk, heartbeats,
 * reassembly of chunked messages, envelope decoding with the stream's envelope reader, the peer's
 * session (its RESUME, ACK and CREDIT frames, the sequence numbers of MESSAGE and MESSAGE_END), dispatch,
 * the stream's error handler), installed by core's {@link DetachedStream} on an embedded channel, the
 * stream arriving in the reads a {@link StreamScript} describes. The receiving end's own frames (its
 * RESUME, acks, credit, outcome messages) are written out and released after each read, as a socket
 * would; messages on {@link Outcome#NO_HANDLER} are refused, so that this end has outcome messages of its
 * own for the peer to acknowledge (or to acknowledge wrongly).
 *
 * <p>Whatever the bytes: the stream may fail, but only with the decoder's documented errors
 * (TooLongFrameException, CorruptedFrameException, a DecoderException around a SerializationException),
 * which the real error handler answers by closing it; every decoded message is within message.max.bytes;
 * nothing is handed on twice (no more messages than distinct sequence numbers, plus those sent at most
 * once); reassembly never holds more than reassembly.max.bytes; the buffers held at any moment stay
 * within what the peer sent plus those caps; and once the channel is closed every buffer is released.
 */
class StreamDecoderFuzzTest {

    /** Small limits, so that the fuzzer reaches them: three chunks a message, four held. */
    static final int MAX_MESSAGE_BYTES = 3 * Frames.CHUNK_BYTES;
    static final long MAX_HELD_BYTES = 4L * Frames.CHUNK_BYTES;
    /** Room for two whole chunked messages and more besides. */
    static final int MAX_STREAM_BYTES = 512 * 1024;
    static final NodeId PEER = NodeId.of("n1");
    static final NodeId LOCAL = NodeId.of("n2");
    /** This node's settings, made once: parsing the defaults for every input would cost executions. */
    private static final ClusterSettings SETTINGS = settings(LOCAL);

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void inboundStream(byte[] input) {
        run(input);
    }

    /** A node's settings with the limits above and the default failure detection; {@code local} is n1 or n2. */
    static ClusterSettings settings(NodeId local) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ClusterSettings defaults = ClusterSettings.defaults();
        return new ClusterSettings("fuzz", local,
                List.of(new ControllerNode(PEER, loopback, 7001), new ControllerNode(LOCAL, loopback, 7002)),
                1, defaults.custodianInterval(), defaults.connectTimeout(), defaults.reconnectBackoffMax(),
                defaults.helloTimeout(), MAX_MESSAGE_BYTES, MAX_HELD_BYTES, defaults.outboundQueueBytes(),
                FailureDetectionSettings.DEFAULTS);
    }

    /** Runs one input through the pipeline, checks everything above, and says what came out. */
    static Outcome run(byte[] input) {
        TrackingAllocator allocator = new TrackingAllocator();
        Outcome outcome = new Outcome();

        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(Ticker.newMockTicker()).register(false).build();
        channel.config().setAllocator(allocator);
        // Registered before the stream opens: it schedules its first drain (its RESUME) as it opens.
        register(channel);
        DetachedStream stream = DetachedStream.open(channel, PEER, SETTINGS, outcome, () -> 0L);
        // Just before the stream's error handler (the last): sees each failure, then hands it on.
        channel.pipeline().addBefore(channel.pipeline().lastContext().name(), "fuzz-failures", outcome.failures());

        int previous = 0;
        List<byte[]> reads = StreamScript.reads(input, 0, MAX_STREAM_BYTES);
        try {
            writtenOut(channel);
            for (byte[] read : reads) {
                if (!channel.isOpen()) {
                    break;
                }
                int bytes = read.length;
                allocator.resetPeak();
                channel.writeInbound(allocator.buffer(bytes, bytes).writeBytes(read));
                channel.checkException();
                writtenOut(channel);
                check(stream.reassemblyHeldBytes() <= MAX_HELD_BYTES, "reassembly holds %d bytes, over %d",
                        stream.reassemblyHeldBytes(), MAX_HELD_BYTES);
                long bound = 4L * (bytes + previous) + 4L * (Frames.LENGTH_BYTES + Frames.MAX_FRAME_BYTES)
                        + 2L * (Frames.TYPE_BYTES + MAX_MESSAGE_BYTES) + MAX_HELD_BYTES + 65536;
                check(allocator.peakBytes() <= bound, "the stream held %d bytes of buffers at once after a read of %d"
                        + " (bound %d)", allocator.peakBytes(), bytes, bound);
                previous = bytes;
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        outcome.assertOnlyDocumentedFailures();
        outcome.assertMessagesWithinLimit();
        int handedOn = outcome.messages.size() + outcome.refused.size();
        int atMost = SequenceBound.of(reads);
        check(handedOn <= atMost, "%d messages handed on, more than the %d distinct sequence numbers (and messages"
                + " sent at most once) the peer sent: one was delivered twice", handedOn, atMost);
        check(stream.reassemblyHeldBytes() == 0, "reassembly holds %d bytes after close",
                stream.reassemblyHeldBytes());
        check(allocator.liveBytes() == 0, "%d bytes of buffers not released after close", allocator.liveBytes());
        Findings.noLeakReported();
        return outcome;
    }

    /** What this end wrote (its RESUME, acks, credit, outcome messages): gone to the peer, released. */
    private static void writtenOut(EmbeddedChannel channel) {
        for (Object written; (written = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(written);
        }
    }

    private static void register(EmbeddedChannel channel) {
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What came out of the stream: the messages accepted, those refused (no handler), and every failure on
     * the way to its error handler. It takes messages as core's dispatcher does ({@link Intake}), saying
     * at once whether a subscriber got them.
     */
    static final class Outcome implements CommunicationsDelegate, Intake {
        /** The subject no subscriber claims here: its messages go back to the sender as outcome messages. */
        static final MessageSubject NO_HANDLER = MessageSubject.of("fuzz.nohandler");

        final List<ClusterMessage> messages = new ArrayList<>();
        final List<ClusterMessage> refused = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void setSender(MessageSender sender) {
            // The target only receives.
        }

        @Override
        public void dispatch(ClusterMessage message) {
            accept(message, Consumption.NONE);
        }

        @Override
        public Acceptance accept(ClusterMessage message, Consumption consumption) {
            if (message.subject().equals(NO_HANDLER)) {
                refused.add(message);
                return Acceptance.NO_HANDLER;
            }
            messages.add(message);
            consumption.consumed(message); // the subscriber took it at once: its credit goes back
            return Acceptance.ACCEPTED;
        }

        /** Records each failure and hands it on, so that the stream's own error handler closes the stream. */
        ChannelInboundHandlerAdapter failures() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    failures.add(cause);
                    ctx.fireExceptionCaught(cause);
                }
            };
        }

        void assertMessagesWithinLimit() {
            for (ClusterMessage message : messages) {
                check(message.payload().length <= MAX_MESSAGE_BYTES, "a message of %d payload bytes passed, over %d",
                        message.payload().length, MAX_MESSAGE_BYTES);
            }
        }

        void assertOnlyDocumentedFailures() {
            for (Throwable failure : failures) {
                boolean documented = failure instanceof DecoderException
                        && (failure.getCause() == null || failure.getCause() instanceof SerializationException);
                if (!documented) {
                    throw Findings.unexpected("the stream failed with an undocumented exception", failure);
                }
            }
        }
    }
}
