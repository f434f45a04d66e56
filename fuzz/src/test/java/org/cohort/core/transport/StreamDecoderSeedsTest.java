package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.frame.Frames;
import org.cohort.fuzz.Seeds;
import org.cohort.fuzz.StreamScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seeds of {@link StreamDecoderFuzzTest}: streams written by the real sender ({@link MessageFramer},
 * which chunks large messages), as scripts. The kept seeds must decode to messages without a failure, so
 * that the fuzzer starts from the deep end; {@code -Dfuzz.writeSeeds=true} rewrites them.
 */
class StreamDecoderSeedsTest {

    private static final NodeId SENDER = NodeId.of("n1");
    private static final MessageSubject SUBJECT = MessageSubject.of("fuzz.subject");

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
        for (List<byte[]> turns : List.of(small(), chunkedBetweenSmall(), twoChunkedInterleaved())) {
            byte[] sent = concat(turns);
            assertThat(concat(StreamScript.reads(script(turns), 0, Integer.MAX_VALUE))).isEqualTo(sent);
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
        List<byte[]> withHeartbeats = new ArrayList<>();
        withHeartbeats.add(heartbeat());
        withHeartbeats.addAll(small());
        withHeartbeats.add(heartbeat());
        withHeartbeats.addAll(turns(new Sent(message(new byte[0]))));
        seeds.put("heartbeats-and-messages", script(withHeartbeats));
        seeds.put("chunked-between-small", script(chunkedBetweenSmall()));
        seeds.put("two-chunked-interleaved", script(twoChunkedInterleaved()));
        // The same bytes as they may arrive: cut inside a length prefix and inside a body.
        byte[] raw = concat(small());
        StreamScript.Writer sliced = new StreamScript.Writer();
        sliced.raw(Arrays.copyOfRange(raw, 0, 2)).slice().raw(Arrays.copyOfRange(raw, 2, 11)).slice()
                .raw(Arrays.copyOfRange(raw, 11, raw.length));
        seeds.put("message-sliced", sliced.toByteArray());
        return seeds;
    }

    /** Two small messages, a frame each. */
    private static List<byte[]> small() {
        List<byte[]> turns = new ArrayList<>(turns(new Sent(message("hello".getBytes()))));
        turns.addAll(turns(new Sent(message(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))));
        return turns;
    }

    /** A message of three chunks, and small ones taking turns with its chunks as the sender does. */
    private static List<byte[]> chunkedBetweenSmall() {
        Sender stream = new Sender();
        Sent large = new Sent(stream, message(new byte[2 * Frames.CHUNK_BYTES + 100]));
        List<byte[]> turns = new ArrayList<>();
        while (!large.done) {
            turns.add(large.turn());
            turns.addAll(turns(new Sent(stream, message(new byte[] {42}))));
        }
        return turns;
    }

    /** Two chunked messages in flight at once. */
    private static List<byte[]> twoChunkedInterleaved() {
        Sender stream = new Sender();
        Sent a = new Sent(stream, message(new byte[Frames.CHUNK_BYTES + 500]));
        Sent b = new Sent(stream, message(new byte[Frames.CHUNK_BYTES + 30_000]));
        List<byte[]> turns = new ArrayList<>();
        while (!a.done || !b.done) {
            if (!a.done) {
                turns.add(a.turn());
            }
            if (!b.done) {
                turns.add(b.turn());
            }
        }
        return turns;
    }

    private static ClusterMessage message(byte[] payload) {
        return new ClusterMessage(SENDER, SUBJECT, payload);
    }

    private static List<byte[]> turns(Sent sent) {
        List<byte[]> turns = new ArrayList<>();
        while (!sent.done) {
            turns.add(sent.turn());
        }
        return turns;
    }

    private static byte[] heartbeat() {
        return new byte[] {0, 0, 0, 1, Frames.HEARTBEAT};
    }

    /** Each frame of the turns as a FRAME or PADDED operation of a script. */
    private static byte[] script(List<byte[]> turns) {
        StreamScript.Writer writer = new StreamScript.Writer();
        ByteBuffer stream = ByteBuffer.wrap(concat(turns));
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

    /** One message on its way out, one turn at a time, through the framer of its stream. */
    private static final class Sent {
        private final Sender sender;
        private final OutboundMessage message;
        boolean done;

        Sent(ClusterMessage message) {
            this(new Sender(), message);
        }

        Sent(Sender sender, ClusterMessage message) {
            this.sender = sender;
            this.message = new OutboundMessage(message);
        }

        /** What the sender wrote in one turn: a whole message, or one chunk with its header. */
        byte[] turn() {
            MessageFramer.Turn turn = sender.framer.writeTurn(sender.channel, message);
            sender.framer.finishBatch(sender.channel);
            assertThat(turn).isNotEqualTo(MessageFramer.Turn.DEFERRED);
            done = turn == MessageFramer.Turn.FINISHED;
            sender.channel.flush();
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            for (ByteBuf out; (out = sender.channel.readOutbound()) != null; ) {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                out.release();
                written.writeBytes(bytes);
            }
            return written.toByteArray();
        }
    }

    /** One stream's real framer (it numbers the chunked messages in flight) and channel. */
    private static final class Sender {
        final MessageFramer framer = new MessageFramer(StreamDecoderFuzzTest.MAX_HELD_BYTES, new TransportCounters());
        final EmbeddedChannel channel = new EmbeddedChannel();
    }
}
