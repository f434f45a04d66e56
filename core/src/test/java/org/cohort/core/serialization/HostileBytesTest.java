package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.serialization.TestTypes.Greeting;
import org.cohort.core.serialization.TestTypes.Inventory;
import org.cohort.core.serialization.TestTypes.Sparse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding treats its input as hostile: whatever the bytes, the caller gets an object or a
 * SerializationException, never an OutOfMemoryError, a StackOverflowError, a hang, or another exception.
 */
class HostileBytesTest {

    /** Kryo writes a class as its registration id + 2: 0 is null and 1 announces a class name. */
    private static final int CLASS_ID_OFFSET = 2;
    private static final int NAME_MARKER = 1;
    private static final int NEAR_MAX = Integer.MAX_VALUE;
    private static final HexFormat HEX = HexFormat.of();

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService view =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);

    @BeforeEach
    void registerSiblingTypes() {
        view.register(1000, Greeting.class);
        view.register(1001, Inventory.class);
        view.register(1002, Sparse.class);
    }

    @AfterEach
    void closeView() {
        view.close();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Output output() {
        return new Output(64, -1);
    }

    private static void writeClass(Output out, int registrationId) {
        out.writeVarInt(registrationId + CLASS_ID_OFFSET, true);
    }

    /** Some bytes after a forged length, so that it is the length check and not plain underflow that fails. */
    private static byte[] withTail(Output out) {
        out.writeBytes(new byte[32]);
        return out.toBytes();
    }

    /**
     * Runs the call and records anything other than a normal return or a SerializationException.
     *
     * @return whether the call refused the bytes with a SerializationException
     */
    private static boolean returnsOrRefuses(Consumer<byte[]> call, byte[] bytes, List<String> failures) {
        try {
            call.accept(bytes);
            return false;
        } catch (SerializationException expected) {
            return true;
        } catch (Throwable unexpected) { // Errors are exactly what this test hunts
            if (failures.size() < 20) {
                failures.add(unexpected + " for " + HEX.formatHex(bytes));
            }
            return false;
        }
    }

    private void deserializeAny(byte[] bytes) {
        view.deserialize(bytes, Object.class);
    }

    private void decodeEnvelope(byte[] bytes) {
        view.decode(ByteBuffer.wrap(bytes));
    }

    private static HashMap<String, Object> richGraph() {
        HashMap<String, Object> graph = new HashMap<>();
        graph.put("greeting", new Greeting("grüße 日本", 42, NodeId.of("node-1")));
        Map<String, Integer> counts = new HashMap<>(Map.of("a", 1, "bb", 300, "ccc", -70000));
        graph.put("inventory", new Inventory(new ArrayList<>(List.of("x", "yy", "ζ")), counts,
                new int[] {1, -1, Integer.MAX_VALUE}, "label"));
        Sparse sparse = new Sparse();
        sparse.words = new String[] {"w1", "w2"};
        sparse.text = "t".repeat(40);
        sparse.data = new byte[] {1, 2, 3};
        graph.put("sparse", sparse);
        graph.put("uuid", new UUID(5, 6));
        graph.put("bytes", new byte[] {9, 8, 7});
        graph.put("longs", new long[] {Long.MIN_VALUE, 0});
        graph.put("doubles", new double[] {1.5});
        graph.put("strings", new String[] {"s", "ß"});
        graph.put("objects", new Object[] {1, "two", 3L, NodeId.of("n")});
        graph.put("subject", MessageSubject.of("a.subject"));
        graph.put("message", new ClusterMessage(NodeId.of("n"), MessageSubject.of("s"), new byte[] {1}));
        return graph;
    }

    private byte[] validEnvelope() {
        ClusterMessage message = new ClusterMessage(NodeId.of("node-1"), MessageSubject.of("grüße.subject"),
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        ByteBuffer buffer = ByteBuffer.allocate(view.maxEncodedLength(message));
        view.encode(message, buffer);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    // ---- random and mutated bytes ---------------------------------------------------------------

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void randomBytesAreDecodedOrRefused() {
        Random random = new Random(20240601L);
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(65)];
            random.nextBytes(bytes);
            if (returnsOrRefuses(this::deserializeAny, bytes, failures)) {
                refused++;
            }
            returnsOrRefuses(this::decodeEnvelope, bytes, failures);
        }

        assertThat(failures).isEmpty();
        assertThat(refused).as("random bytes are mostly refused").isGreaterThan(10_000);
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void mutatedValidBytesAreDecodedOrRefused() {
        byte[] object = view.serialize(richGraph());
        byte[] envelope = validEnvelope();
        Random random = new Random(7L);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] mutatedObject = mutate(object, random);
            byte[] mutatedEnvelope = mutate(envelope, random);
            returnsOrRefuses(this::deserializeAny, mutatedObject, failures);
            returnsOrRefuses(this::decodeEnvelope, mutatedEnvelope, failures);
        }

        assertThat(failures).isEmpty();
        // The runtime still works after all that.
        assertThat(((Map<?, ?>) view.deserialize(object, HashMap.class)).keySet()).isEqualTo(richGraph().keySet());
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                default -> bytes[at] = (byte) (random.nextBoolean() ? 0xff : 0x7f);
            }
        }
        return random.nextInt(4) == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)) : bytes;
    }

    // ---- truncation ------------------------------------------------------------------------------

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void everyTruncationOfASerializedObjectIsRefused() {
        HashMap<String, Object> graph = richGraph();
        byte[] bytes = view.serialize(graph);
        assertThat(((Map<?, ?>) view.deserialize(bytes, HashMap.class)).keySet()).isEqualTo(graph.keySet());

        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);

            assertThatThrownBy(() -> view.deserialize(prefix, Object.class))
                    .as("prefix of %d of %d bytes", length, bytes.length)
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void everyTruncationOfAnEnvelopeIsRefused() {
        byte[] bytes = validEnvelope();
        assertThat(view.decode(ByteBuffer.wrap(bytes)).payload()).hasSize(10);

        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            // Also with the truncated frame inside a larger buffer whose next bytes must not be read.
            ByteBuffer inLargerBuffer = ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length + 8), 0, length);

            assertThatThrownBy(() -> view.decode(ByteBuffer.wrap(prefix)))
                    .as("prefix of %d of %d bytes", length, bytes.length)
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> view.decode(inLargerBuffer))
                    .as("limited prefix of %d of %d bytes", length, bytes.length)
                    .isInstanceOf(SerializationException.class);
        }
    }

    // ---- forged lengths --------------------------------------------------------------------------

    @ParameterizedTest(name = "core type id {0}")
    @ValueSource(ints = {20, 21, 22, 23, 24, 25, 26, 30, 31, 32, 33, 34, 35})
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void hugeDeclaredLengthsAreRefusedBeforeAllocating(int coreTypeId) {
        for (int declared : new int[] {NEAR_MAX, NEAR_MAX - 8, 1 << 30, 100_000}) {
            Output out = output();
            writeClass(out, coreTypeId);
            if (coreTypeId >= 30 && coreTypeId <= 33) {
                // Collections: a flag (all elements of one type?) shares the first byte with length + 1.
                out.writeVarIntFlag(false, declared, true);
            } else {
                // Arrays and maps: length + 1 as a positive varint.
                out.writeVarInt(declared, true);
            }
            byte[] bytes = withTail(out);

            assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                    .as("type %d declaring %d", coreTypeId, declared)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("declared")
                    .hasMessageContaining("exceeds");
        }
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void hugeDeclaredCollectionOfOneElementTypeIsRefused() {
        Output out = output();
        writeClass(out, 30);
        out.writeVarIntFlag(true, NEAR_MAX, true);
        byte[] bytes = withTail(out);

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void hugeDeclaredUtf8StringLengthIsRefused() {
        for (int declared : new int[] {NEAR_MAX, NEAR_MAX - 1, 1 << 30, 1000}) {
            Output out = output();
            writeClass(out, 1); // java.lang.String
            // A UTF-8 string: varint-flag header with the flag set, value = char count + 1.
            out.writeVarIntFlag(true, declared, true);
            byte[] bytes = withTail(out);

            assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                    .as("string declaring %d chars", declared - 1)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("declared string length");
        }
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void hugeDeclaredLengthsInsideRegisteredTypesAreRefused() {
        // A Sparse whose first field (data, a byte[]; fields are written in name order) declares 2^31-2 bytes.
        Output out = output();
        writeClass(out, 1002);
        out.writeVarInt(NEAR_MAX, true);
        byte[] bytes = withTail(out);

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void envelopeWithAHugePayloadLengthIsRefused() {
        ByteBuffer envelope = ByteBuffer.allocate(64);
        envelope.put((byte) 6).put("node-1".getBytes(StandardCharsets.US_ASCII));
        envelope.putShort((short) 12).put("some.subject".getBytes(StandardCharsets.US_ASCII));
        envelope.put((byte) 0).putInt(2_000_000_000).put(new byte[] {1, 2, 3});
        envelope.flip();

        assertThatThrownBy(() -> view.decode(envelope))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("declares a payload of 2000000000 bytes, 3 follow");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void envelopeWithAHugeSenderOrSubjectLengthIsRefused() {
        byte[] sender = {(byte) 0xFF, 'a', 'b', 'c'};
        ByteBuffer subject = ByteBuffer.allocate(16);
        subject.put((byte) 1).put((byte) 'a').putShort((short) 0xFFFF).put(new byte[] {'a', 'b', 'c'}).flip();
        ByteBuffer shortSubject = ByteBuffer.allocate(16);
        shortSubject.put((byte) 1).put((byte) 'a').putShort((short) 700).put(new byte[] {'a', 'b', 'c'}).flip();

        assertThatThrownBy(() -> view.decode(ByteBuffer.wrap(sender)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("sender id of 255 bytes");
        assertThatThrownBy(() -> view.decode(subject))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject of 65535 bytes");
        assertThatThrownBy(() -> view.decode(shortSubject))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short for its subject");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void envelopeWithInvalidSenderOrSubjectIsRefused() {
        for (String[] parts : new String[][] {{"bad node", "s"}, {"node-1", "bad subject"}, {"", "s"},
            {"node-1", null}, {null, "s"}}) {
            byte[] sender = parts[0] == null ? new byte[0] : parts[0].getBytes(StandardCharsets.UTF_8);
            byte[] subject = parts[1] == null ? new byte[0] : parts[1].getBytes(StandardCharsets.UTF_8);
            ByteBuffer envelope = ByteBuffer.allocate(64);
            envelope.put((byte) sender.length).put(sender).putShort((short) subject.length).put(subject)
                    .put((byte) 0).putInt(0).flip();

            assertThatThrownBy(() -> view.decode(envelope))
                    .as("sender %s, subject %s", parts[0], parts[1])
                    .isInstanceOf(SerializationException.class);
        }
    }

    // ---- class names and unknown ids --------------------------------------------------------------

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void classNamesOnTheWireAreRefused() {
        Output topLevel = output();
        topLevel.writeVarInt(NAME_MARKER, true);
        topLevel.writeVarInt(0, true); // name id, first use: the name follows
        topLevel.writeString("java.lang.ProcessBuilder");
        byte[] topLevelBytes = topLevel.toBytes();

        Output nested = output();
        writeClass(nested, 30); // ArrayList
        nested.writeVarIntFlag(false, 2, true); // one element, of its own class
        nested.writeVarInt(NAME_MARKER, true);
        nested.writeVarInt(0, true);
        nested.writeString("java.lang.ProcessBuilder");
        byte[] nestedBytes = nested.toBytes();

        for (byte[] bytes : List.of(topLevelBytes, nestedBytes)) {
            assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("class names are refused");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5000, 999, 13, 1003, 65535, 65536, 1_000_000})
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void unregisteredClassIdsAreRefused(int typeId) {
        Output out = output();
        writeClass(out, typeId);
        byte[] bytes = withTail(out);

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("type id " + typeId + " is not registered on this node");
    }

    @Test
    void byteLessElementsAreBoundedPerReadNotPerCollection() {
        ArrayList<Object> allowed = new ArrayList<>(java.util.Collections.nCopies(4000, null));
        assertThat(view.deserialize(view.serialize(allowed), ArrayList.class)).hasSize(4000);

        ArrayList<Object> tooMany = new ArrayList<>(java.util.Collections.nCopies(5000, null));
        byte[] tooManyBytes = view.serialize(tooMany);
        assertThat(tooManyBytes.length).as("nulls take no bytes").isLessThan(16);
        assertThatThrownBy(() -> view.deserialize(tooManyBytes, ArrayList.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("collection length 5000");

        // nesting does not multiply the allowance: two lists of 3,000 nulls exceed it together
        ArrayList<Object> nested = new ArrayList<>(List.of(
                new ArrayList<>(java.util.Collections.nCopies(3000, null)),
                new ArrayList<>(java.util.Collections.nCopies(3000, null))));
        byte[] nestedBytes = view.serialize(nested);
        assertThatThrownBy(() -> view.deserialize(nestedBytes, ArrayList.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("collection length 3000");
    }

    // ---- nesting ---------------------------------------------------------------------------------

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void deeplyNestedObjectArraysAreRefusedWithoutOverflowingTheStack() {
        Output out = output();
        for (int level = 0; level < 10_000; level++) {
            writeClass(out, 26); // Object[]
            out.writeVarInt(2, true); // length 1
        }
        out.writeVarInt(0, true); // innermost element: null
        byte[] bytes = out.toBytes();

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("depth");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void deeplyNestedCollectionsAndMapsAreRefusedWithoutOverflowingTheStack() {
        Output lists = output();
        Output maps = output();
        for (int level = 0; level < 10_000; level++) {
            writeClass(lists, 30); // ArrayList
            lists.writeVarIntFlag(false, 2, true); // one element of its own class
            writeClass(maps, 34); // HashMap
            maps.writeVarInt(2, true); // one entry
            writeClass(maps, 1); // key: String
            maps.writeString("k");
        }
        lists.writeVarInt(0, true);
        maps.writeVarInt(0, true);

        for (byte[] bytes : List.of(lists.toBytes(), maps.toBytes())) {
            assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("depth");
        }
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void nestingWithinTheLimitStillWorks() {
        Object[] nested = new Object[] {"leaf"};
        for (int level = 0; level < 30; level++) {
            nested = new Object[] {nested};
        }

        Object[] copy = view.deserialize(view.serialize(nested), Object[].class);

        for (int level = 0; level < 30; level++) {
            copy = (Object[]) copy[0];
        }
        assertThat(copy).containsExactly("leaf");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void objectsTooDeepToSerializeAreRefused() {
        Object[] nested = new Object[] {"leaf"};
        for (int level = 0; level < 10_000; level++) {
            nested = new Object[] {nested};
        }
        Object[] deep = nested;

        assertThatThrownBy(() -> view.serialize(deep))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("depth");
    }

    @Test
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void failuresDoNotPoisonTheRuntime() {
        byte[] good = view.serialize(richGraph());
        Output out = output();
        writeClass(out, 20);
        out.writeVarInt(NEAR_MAX, true);
        byte[] bad = withTail(out);

        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> view.deserialize(bad, Object.class)).isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> view.deserialize(Arrays.copyOf(good, good.length / 2), Object.class))
                    .isInstanceOf(SerializationException.class);
            assertThat(((Map<?, ?>) view.deserialize(good, HashMap.class)).keySet()).isEqualTo(richGraph().keySet());
        }
    }
}
