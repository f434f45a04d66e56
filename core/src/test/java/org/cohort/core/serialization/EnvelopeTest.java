package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final byte SENTINEL = 0x55;

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService view =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);

    @AfterEach
    void closeView() {
        view.close();
    }

    private static ClusterMessage message(String sender, String subject, byte[] payload) {
        return new ClusterMessage(NodeId.of(sender), MessageSubject.of(subject), payload);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Encodes into a generous buffer and returns exactly the bytes written. */
    private byte[] encodeToBytes(ClusterMessage message) {
        ByteBuffer buffer = ByteBuffer.allocate(view.maxEncodedLength(message) + 64);
        view.encode(message, buffer);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private ClusterMessage roundTrip(ClusterMessage message) {
        ByteBuffer buffer = ByteBuffer.allocate(view.maxEncodedLength(message));
        view.encode(message, buffer);
        buffer.flip();
        ClusterMessage decoded = view.decode(buffer);
        assertThat(buffer.position()).as("decode consumes the whole envelope").isEqualTo(buffer.limit());
        return decoded;
    }

    @Test
    void emptyPayloadRoundTrips() {
        ClusterMessage original = message("node-1", "cluster.ping", new byte[0]);

        ClusterMessage decoded = roundTrip(original);

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.sender()).isEqualTo(NodeId.of("node-1"));
        assertThat(decoded.subject()).isEqualTo(MessageSubject.of("cluster.ping"));
        assertThat(decoded.payload()).isEmpty();
    }

    @Test
    void oneMebibytePayloadRoundTripsIntoANewArray() {
        byte[] payload = randomBytes(1024 * 1024, 42);
        ClusterMessage original = message("node-1", "bulk.transfer", payload);

        ClusterMessage decoded = roundTrip(original);

        assertThat(decoded.payload()).isEqualTo(payload).isNotSameAs(payload);
        assertThat(decoded).isEqualTo(original);
    }

    @Test
    void nonAsciiSubjectRoundTrips() {
        ClusterMessage original = message("node-1", "grüße/日本語/\uD83C\uDF89/привет", new byte[] {1, 2, 3});

        ClusterMessage decoded = roundTrip(original);

        assertThat(decoded.subject().value()).isEqualTo("grüße/日本語/\uD83C\uDF89/привет");
        assertThat(decoded).isEqualTo(original);
    }

    @Test
    void maxEncodedLengthIsAnUpperBoundForWorstCaseText() {
        String longestNode = "n".repeat(NodeId.MAX_LENGTH);
        ClusterMessage[] messages = {
            message("a", "b", new byte[0]),
            message("node-1", "s", new byte[1]),
            message("node-1", "x".repeat(32), new byte[127]),
            message("node-1", "x".repeat(33), new byte[128]),
            message(longestNode, "日".repeat(MessageSubject.MAX_LENGTH), randomBytes(70_000, 1)),
            message(longestNode, "\uD83C\uDF89".repeat(MessageSubject.MAX_LENGTH / 2), new byte[16_384]),
            message(longestNode, "é".repeat(MessageSubject.MAX_LENGTH), new byte[2_097_152]),
        };
        for (ClusterMessage original : messages) {
            int bound = view.maxEncodedLength(original);
            ByteBuffer exact = ByteBuffer.allocate(bound);

            view.encode(original, exact);

            assertThat(exact.position()).as("bytes written for %s", original).isBetween(1, bound);
            exact.flip();
            assertThat(view.decode(exact)).isEqualTo(original);
        }
    }

    @Test
    void targetOneByteShortOfWhatIsNeededFailsWithoutGrowingOrOverrunning() {
        ClusterMessage original = message("node-1", "grüße", randomBytes(300, 7));
        int needed = encodeToBytes(original).length;

        ByteBuffer tooSmall = ByteBuffer.allocate(needed - 1);
        assertThatThrownBy(() -> view.encode(original, tooSmall)).isInstanceOf(SerializationException.class);
        assertThat(tooSmall.capacity()).isEqualTo(needed - 1);
        assertThat(tooSmall.position()).isZero();
        assertThat(tooSmall.limit()).isEqualTo(needed - 1);

        // The same through a limit inside a larger buffer: nothing beyond the limit may be touched.
        ByteBuffer limited = ByteBuffer.allocate(needed + 32);
        Arrays.fill(limited.array(), SENTINEL);
        limited.limit(needed - 1);
        assertThatThrownBy(() -> view.encode(original, limited)).isInstanceOf(SerializationException.class);
        assertThat(limited.position()).isZero();
        assertThat(limited.limit()).isEqualTo(needed - 1);
        for (int i = needed - 1; i < limited.capacity(); i++) {
            assertThat(limited.array()[i]).as("byte %d beyond the limit", i).isEqualTo(SENTINEL);
        }

        // And exactly enough room works.
        ByteBuffer justRight = ByteBuffer.allocate(needed);
        view.encode(original, justRight);
        assertThat(justRight.position()).isEqualTo(needed);
    }

    @Test
    void encodeAtANonZeroPositionWritesThereAndAdvances() {
        ClusterMessage original = message("node-7", "at.offset", new byte[] {9, 8, 7, 6});
        byte[] alone = encodeToBytes(original);
        int offset = 17;
        ByteBuffer buffer = ByteBuffer.allocate(offset + view.maxEncodedLength(original));
        Arrays.fill(buffer.array(), SENTINEL);
        buffer.position(offset);

        view.encode(original, buffer);

        assertThat(buffer.position()).isEqualTo(offset + alone.length);
        for (int i = 0; i < offset; i++) {
            assertThat(buffer.array()[i]).as("byte %d before the position", i).isEqualTo(SENTINEL);
        }
        assertThat(Arrays.copyOfRange(buffer.array(), offset, offset + alone.length)).isEqualTo(alone);
        ByteBuffer source = ByteBuffer.wrap(buffer.array(), offset, alone.length);
        assertThat(view.decode(source)).isEqualTo(original);
    }

    @Test
    void decodeReadsExactlyToTheLimitOfEachFrame() {
        ClusterMessage first = message("node-1", "first", new byte[] {1});
        ClusterMessage second = message("node-2", "second", randomBytes(1000, 3));
        ByteBuffer stream = ByteBuffer.allocate(view.maxEncodedLength(first) + view.maxEncodedLength(second) + 5);
        stream.position(5);
        view.encode(first, stream);
        int firstEnd = stream.position();
        view.encode(second, stream);
        int secondEnd = stream.position();

        ByteBuffer frame = stream.duplicate();
        frame.position(5).limit(firstEnd);
        assertThat(view.decode(frame)).isEqualTo(first);
        assertThat(frame.position()).isEqualTo(firstEnd);

        frame.limit(secondEnd).position(firstEnd);
        assertThat(view.decode(frame)).isEqualTo(second);
        assertThat(frame.position()).isEqualTo(secondEnd);
    }

    @Test
    void trailingBytesAfterTheEnvelopeAreRefused() {
        ClusterMessage original = message("node-1", "trailing", new byte[] {1, 2});
        byte[] bytes = encodeToBytes(original);
        for (int extra = 1; extra <= 3; extra++) {
            byte[] padded = Arrays.copyOf(bytes, bytes.length + extra);

            assertThatThrownBy(() -> view.decode(ByteBuffer.wrap(padded)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("declares a payload of 2 bytes, " + (2 + extra) + " follow");
        }
    }

    @Test
    void decodedPayloadIsIndependentOfTheSourceBuffer() {
        ClusterMessage original = message("node-1", "copy", new byte[] {1, 2, 3});
        byte[] bytes = encodeToBytes(original);

        ClusterMessage decoded = view.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);

        assertThat(decoded.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void envelopeFromADirectBufferRoundTrips() {
        ClusterMessage original = message("node-1", "direct", randomBytes(5000, 9));
        ByteBuffer direct = ByteBuffer.allocateDirect(view.maxEncodedLength(original));

        view.encode(original, direct);
        direct.flip();

        assertThat(view.decode(direct)).isEqualTo(original);
        assertThat(direct.hasRemaining()).isFalse();
    }

    @Test
    void clusterMessageIsAlsoACoreTypeForSerialize() {
        ClusterMessage original = message("node-1", "nested", new byte[] {4, 5});

        assertThat(view.deserialize(view.serialize(original), ClusterMessage.class)).isEqualTo(original);
    }
}
