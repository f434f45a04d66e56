package org.cohort.fuzz.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.frame.Frames;
import org.cohort.core.transport.DetachedStream;
import org.cohort.fuzz.Seeds;
import org.cohort.fuzz.StreamScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seeds of {@link StreamDecoderFuzzTest}: streams written by the real sender (a {@link DetachedStream}'s
 * queue and framer, which chunk large messages and let other subjects take turns with their chunks), as
 * scripts. The kept seeds must decode to messages without a failure, so that the fuzzer starts from the
 * deep end; {@code -Dfuzz.writeSeeds=true} rewrites them.
 */
class StreamDecoderSeedsTest {

    private static final NodeId SENDER = StreamDecoderFuzzTest.PEER;
    private static final MessageSubject SUBJECT = MessageSubject.of("fuzz.subject");
    private static final MessageSubject LARGE = MessageSubject.of("fuzz.large");

    @Test
    void everyKeptSeedDecodesToMessagesWithoutAFailure() {
        Map<String, byte[]> kept = Seeds.read(StreamDecoderFuzzTest.class, "inboundStream");
        assertThat(kept.keySet()).as("kept seeds")
                .containsAll(seeds().keySet().stream().map(name -> "seed-" + name).toList());
        kept.forEach((name, input) -> {
            if (name.startsWith("seed-")) {
                StreamDecoderFuzzTest.Outcome outcome = StreamDecoderFuzzTest.run(input);
                assertThat(outcome.failures).as(name).isEmpty();
                assertThat(outcome.messages).as(name).isNotEmpty();
            }
        });
    }

    @Test
    void theScriptsWriteWhatTheSenderWrote() {
        for (byte[] sent : List.of(small(), chunkedBetweenSmall(), twoChunkedInterleaved())) {
            assertThat(concat(StreamScript.reads(script(sent), 0, Integer.MAX_VALUE))).isEqualTo(sent);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = Seeds.WRITE_PROPERTY, matches = "true")
    void writeSeeds() throws Exception {
        Seeds.write(StreamDecoderFuzzTest.class, "inboundStream", seeds());
    }

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("message", script(small()));
        seeds.put("heartbeats-and-messages", script(concat(List.of(heartbeat(), small(), heartbeat(),
                send(message(SUBJECT, new byte[0]))))));
        seeds.put("chunked-between-small", script(chunkedBetweenSmall()));
        seeds.put("two-chunked-interleaved", script(twoChunkedInterleaved()));
        // The same bytes as they may arrive: cut inside a length prefix and inside a body.
        byte[] raw = small();
        StreamScript.Writer sliced = new StreamScript.Writer();
        sliced.raw(Arrays.copyOfRange(raw, 0, 2)).slice().raw(Arrays.copyOfRange(raw, 2, 11)).slice()
                .raw(Arrays.copyOfRange(raw, 11, raw.length));
        seeds.put("message-sliced", sliced.toByteArray());
        // A peer that leaves: its messages, then its goodbye (after which the stream closes).
        seeds.put("messages-then-goodbye", script(concat(List.of(small(), goodbye()))));
        return seeds;
    }

    /** Two small messages, a frame each. */
    private static byte[] small() {
        return send(message(SUBJECT, "hello".getBytes()), message(SUBJECT, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    }

    /** A message of three chunks, and small ones of another subject taking turns with its chunks. */
    private static byte[] chunkedBetweenSmall() {
        return send(message(LARGE, new byte[2 * Frames.CHUNK_BYTES + 100]), message(SUBJECT, new byte[] {42}),
                message(SUBJECT, new byte[] {42}), message(SUBJECT, new byte[] {42}));
    }

    /** Two chunked messages in flight at once. */
    private static byte[] twoChunkedInterleaved() {
        return send(message(LARGE, new byte[Frames.CHUNK_BYTES + 500]),
                message(SUBJECT, new byte[Frames.CHUNK_BYTES + 30_000]));
    }

    private static ClusterMessage message(MessageSubject subject, byte[] payload) {
        return new ClusterMessage(SENDER, subject, payload);
    }

    /**
     * What the sender's end of a stream writes for these messages, queued at once: a stream of its own
     * (the framer numbers the chunked messages in flight), drained until it writes nothing more.
     */
    private static byte[] send(ClusterMessage... messages) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(Ticker.newMockTicker()).build();
        DetachedStream stream = DetachedStream.open(channel, StreamDecoderFuzzTest.LOCAL,
                StreamDecoderFuzzTest.settings(SENDER), new StreamDecoderFuzzTest.Outcome(), () -> 0L);
        for (ClusterMessage message : messages) {
            assertThat(stream.send(message)).as("queued").isTrue();
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        int before;
        do {
            before = written.size();
            channel.runPendingTasks();
            for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                out.release();
                written.writeBytes(bytes);
            }
        } while (written.size() > before);
        channel.finishAndReleaseAll();
        return written.toByteArray();
    }

    private static byte[] goodbye() {
        return new byte[] {0, 0, 0, 2, Frames.GOODBYE, Frames.GOODBYE_STOPPING};
    }

    private static byte[] heartbeat() {
        return new byte[] {0, 0, 0, 1, Frames.HEARTBEAT};
    }

    /** Each frame of the stream as a FRAME or PADDED operation of a script. */
    private static byte[] script(byte[] sent) {
        StreamScript.Writer writer = new StreamScript.Writer();
        ByteBuffer stream = ByteBuffer.wrap(sent);
        while (stream.hasRemaining()) {
            int length = stream.getInt();
            byte type = stream.get();
            byte[] body = new byte[length - Frames.TYPE_BYTES];
            stream.get(body);
            writer.frame(type, body);
        }
        return writer.toByteArray();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
