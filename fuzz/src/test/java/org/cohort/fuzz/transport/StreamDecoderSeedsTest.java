package org.cohort.fuzz.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
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
 * session, queue and framer: its RESUME first, then, once it has the receiver's RESUME, the messages,
 * numbered, large ones chunked and taking turns with other subjects), as scripts. The kept seeds must
 * decode to messages without a failure, so that the fuzzer starts from the deep end; the hostile ones
 * ({@link HostileSeeds}) start the same way and then break the session's rules, and must close the stream
 * as bad input, having delivered nothing twice. {@code -Dfuzz.writeSeeds=true} rewrites them.
 */
class StreamDecoderSeedsTest {

    private static final NodeId SENDER = StreamDecoderFuzzTest.PEER;
    static final MessageSubject SUBJECT = MessageSubject.of("fuzz.subject");
    private static final MessageSubject LARGE = MessageSubject.of("fuzz.large");

    @Test
    void everyKeptSeedDecodesToMessagesWithoutAFailure() {
        Map<String, byte[]> kept = Seeds.read(StreamDecoderFuzzTest.class, "inboundStream");
        assertThat(kept.keySet()).as("kept seeds")
                .containsAll(seeds().keySet().stream().map(name -> "seed-" + name).toList());
        kept.forEach((name, input) -> {
            if (name.startsWith("seed-hostile-")) {
                return;
            }
            if (name.startsWith("seed-")) {
                StreamDecoderFuzzTest.Outcome outcome = StreamDecoderFuzzTest.run(input);
                assertThat(outcome.failures).as(name).isEmpty();
                assertThat(outcome.messages).as(name).isNotEmpty();
            }
        });
    }

    @Test
    void everyHostileSeedClosesTheStreamAsBadInputAfterWhatWentBefore() {
        Map<String, byte[]> kept = Seeds.read(StreamDecoderFuzzTest.class, "inboundStream");
        Map<String, HostileSeeds.Break> hostile = HostileSeeds.breaks();
        assertThat(kept.keySet()).as("kept seeds")
                .containsAll(hostile.keySet().stream().map(name -> "seed-hostile-" + name).toList());
        hostile.forEach((name, expected) -> {
            StreamDecoderFuzzTest.Outcome outcome = StreamDecoderFuzzTest.run(kept.get("seed-hostile-" + name));
            assertThat(outcome.failures).as(name).singleElement().isInstanceOf(CorruptedFrameException.class)
                    .extracting(Throwable::getMessage).asString().contains(expected.says());
            assertThat(outcome.messages).as(name).hasSize(expected.delivered());
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
        seeds.put("heartbeats-and-messages", heartbeatsAndMessages());
        seeds.put("chunked-between-small", script(chunkedBetweenSmall()));
        seeds.put("two-chunked-interleaved", script(twoChunkedInterleaved()));
        // The same bytes as they may arrive: cut inside a length prefix and inside a body.
        byte[] raw = small();
        StreamScript.Writer sliced = new StreamScript.Writer();
        sliced.raw(Arrays.copyOfRange(raw, 0, 2)).slice().raw(Arrays.copyOfRange(raw, 2, 11)).slice()
                .raw(Arrays.copyOfRange(raw, 11, raw.length));
        seeds.put("message-sliced", sliced.toByteArray());
        // A message no subscriber claims: this end sends an outcome message back, which the peer acks.
        seeds.put("no-handler-acked", HostileSeeds.noHandlerAcked().toByteArray());
        // A peer that leaves: its messages, then its goodbye (after which the stream closes).
        List<HostileSeeds.Frame> leaving = new java.util.ArrayList<>(HostileSeeds.frames(small()));
        leaving.add(new HostileSeeds.Frame(Frames.GOODBYE, new byte[] {Frames.GOODBYE_STOPPING}));
        seeds.put("messages-then-goodbye", HostileSeeds.script(leaving.toArray(HostileSeeds.Frame[]::new))
                .toByteArray());
        HostileSeeds.scripts().forEach((name, script) -> seeds.put("hostile-" + name, script));
        return seeds;
    }

    /** Three messages as the sender writes them (its RESUME first), with heartbeats before and between. */
    private static byte[] heartbeatsAndMessages() {
        List<HostileSeeds.Frame> frames = new java.util.ArrayList<>(HostileSeeds.frames(send(
                message(SUBJECT, "hello".getBytes()), message(SUBJECT, new byte[] {1, 2}), message(SUBJECT, new byte[0]))));
        HostileSeeds.Frame heartbeat = new HostileSeeds.Frame(Frames.HEARTBEAT, new byte[0]);
        frames.add(0, heartbeat);
        frames.add(frames.size() - 1, heartbeat);
        return HostileSeeds.script(frames.toArray(HostileSeeds.Frame[]::new)).toByteArray();
    }

    /** Two small messages, a frame each. */
    static byte[] small() {
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

    static ClusterMessage message(MessageSubject subject, byte[] payload) {
        return new ClusterMessage(SENDER, subject, payload);
    }

    /**
     * What the sender's end of a stream writes for these messages, queued at once: a stream of its own
     * (the framer numbers the chunked messages in flight), given the receiver's RESUME (it writes no
     * message before it), drained until it writes nothing more. Its own RESUME comes first.
     */
    static byte[] send(ClusterMessage... messages) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(Ticker.newMockTicker()).build();
        DetachedStream stream = DetachedStream.open(channel, StreamDecoderFuzzTest.LOCAL,
                StreamDecoderFuzzTest.settings(SENDER), new StreamDecoderFuzzTest.Outcome(), () -> 0L);
        for (ClusterMessage message : messages) {
            assertThat(stream.send(message)).as("queued").isTrue();
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        written.writeBytes(written(channel)); // its RESUME
        channel.writeInbound(Unpooled.wrappedBuffer(receiverResume()));
        for (byte[] more; (more = written(channel)).length > 0; ) {
            written.writeBytes(more);
        }
        channel.finishAndReleaseAll();
        return written.toByteArray();
    }

    /** The RESUME the receiving end (the fuzz target's node) opens its stream with. */
    private static byte[] receiverResume() {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(Ticker.newMockTicker()).build();
        DetachedStream.open(channel, SENDER, StreamDecoderFuzzTest.settings(StreamDecoderFuzzTest.LOCAL),
                new StreamDecoderFuzzTest.Outcome(), () -> 0L);
        byte[] resume = written(channel);
        channel.finishAndReleaseAll();
        assertThat(resume[Frames.LENGTH_BYTES]).as("the first frame").isEqualTo(Frames.RESUME);
        return resume;
    }

    /** What a channel wrote so far, its pending tasks run. */
    private static byte[] written(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            out.release();
            written.writeBytes(bytes);
        }
        return written.toByteArray();
    }

    /** Each frame of the stream as a FRAME or PADDED operation of a script. */
    static byte[] script(byte[] sent) {
        return HostileSeeds.script(HostileSeeds.frames(sent).toArray(HostileSeeds.Frame[]::new)).toByteArray();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
