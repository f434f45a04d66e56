package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Input;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.TypeRegistration;
import org.cohort.core.serialization.TestTypes.Greeting;
import org.cohort.core.serialization.TestTypes.Inventory;
import org.cohort.core.serialization.TestTypes.Sparse;
import org.cohort.core.serialization.TestTypes.Unregistered;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PayloadTypesTest {

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService view =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);

    @AfterEach
    void closeView() {
        view.close();
    }

    private static int wireTypeId(byte[] bytes) {
        // Kryo writes the registration id + 2 as a positive varint (0 is null, 1 a class name).
        return new Input(bytes).readVarInt(true) - 2;
    }

    private static Inventory sampleInventory() {
        List<String> names = new ArrayList<>(List.of("alpha", "βeta", "gamma"));
        Map<String, Integer> counts = new HashMap<>();
        counts.put("alpha", 1);
        counts.put("βeta", -2);
        counts.put("gamma", Integer.MAX_VALUE);
        return new Inventory(names, counts, new int[] {0, -1, 1 << 30, Integer.MIN_VALUE}, "label ✓");
    }

    @Test
    void siblingRecordRoundTripsUnderItsOwnId() {
        TypeRegistration registration = view.register(1000, Greeting.class);
        Greeting original = new Greeting("hello wörld", 3, NodeId.of("node-1"));

        byte[] bytes = view.serialize(original);

        assertThat(registration.typeId()).isEqualTo(1000);
        assertThat(registration.type()).isEqualTo(Greeting.class);
        assertThat(wireTypeId(bytes)).isEqualTo(1000);
        assertThat(view.deserialize(bytes, Greeting.class)).isEqualTo(original);
    }

    @Test
    void siblingPlainClassWithCollectionsArrayAndStringRoundTrips() {
        view.register(1001, Inventory.class);
        Inventory original = sampleInventory();

        byte[] bytes = view.serialize(original);
        Inventory copy = view.deserialize(bytes, Inventory.class);

        assertThat(wireTypeId(bytes)).isEqualTo(1001);
        assertThat(copy).isEqualTo(original).isNotSameAs(original);
        assertThat(copy.names()).isInstanceOf(ArrayList.class).containsExactly("alpha", "βeta", "gamma");
        assertThat(copy.counts()).isInstanceOf(HashMap.class).isEqualTo(original.counts());
        assertThat(copy.numbers()).containsExactly(0, -1, 1 << 30, Integer.MIN_VALUE);
        assertThat(copy.label()).isEqualTo("label ✓");
    }

    @Test
    void registeredTypesNestInCoreCollectionsAndInEachOther() {
        view.register(1000, Greeting.class);
        view.register(1001, Inventory.class);
        HashMap<String, Object> graph = new HashMap<>();
        graph.put("greetings", new ArrayList<>(List.of(new Greeting("a", 1, NodeId.of("n1")),
                new Greeting("b", 2, NodeId.of("n2")))));
        graph.put("inventory", sampleInventory());
        graph.put("ids", new long[] {1L, Long.MIN_VALUE});

        @SuppressWarnings("unchecked")
        Map<String, Object> copy = view.deserialize(view.serialize(graph), HashMap.class);

        assertThat(copy.get("greetings")).isEqualTo(graph.get("greetings"));
        assertThat(copy.get("inventory")).isEqualTo(graph.get("inventory"));
        assertThat((long[]) copy.get("ids")).containsExactly(1L, Long.MIN_VALUE);
    }

    @Test
    void nullFieldsAndNullElementsOfRegisteredTypesRoundTrip() {
        view.register(1002, Sparse.class);

        Sparse allNull = new Sparse();
        Sparse copy = view.deserialize(view.serialize(allNull), Sparse.class);
        assertThat(copy.text).isNull();
        assertThat(copy.words).isNull();
        assertThat(copy.list).isNull();
        assertThat(copy.data).isNull();
        assertThat(copy.flags).isNull();
        assertThat(copy.node).isNull();

        Sparse withNullElements = new Sparse();
        withNullElements.text = "";
        withNullElements.words = new String[] {"one", null, "", "drei ü"};
        withNullElements.list = new ArrayList<>(Arrays.asList("x", null, "z"));
        withNullElements.data = new byte[0];
        withNullElements.flags = new boolean[] {true, false, true};
        withNullElements.node = NodeId.of("node-9");
        copy = view.deserialize(view.serialize(withNullElements), Sparse.class);
        assertThat(copy.text).isEmpty();
        assertThat(copy.words).containsExactly("one", null, "", "drei ü");
        assertThat(copy.list).containsExactly("x", null, "z");
        assertThat(copy.data).isEmpty();
        assertThat(copy.flags).containsExactly(true, false, true);
        assertThat(copy.node).isEqualTo(NodeId.of("node-9"));
    }

    @Test
    void coreTypesRoundTripWithoutRegistration() {
        Object[] values = {
            Integer.MIN_VALUE, Long.MAX_VALUE, (short) -7, (byte) 0x7f, 'ß', true, false, 1.5f, -0.25d,
            "", "ascii", "ünïcödé 日本 \uD83C\uDF89", "x".repeat(10_000),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
            new ArrayList<>(List.of("a", 1, 2L)),
            new HashMap<>(Map.of("k", "v", "n", 5)),
            new LinkedHashMap<>(Map.of("only", UUID.randomUUID())),
            new LinkedHashSet<>(List.of("s1", "s2")),
            NodeId.of("node-1"),
            MessageSubject.of("some.subject"),
        };
        for (Object value : values) {
            Object copy = view.deserialize(view.serialize(value), Object.class);

            assertThat(copy).as("round trip of %s", value.getClass().getName()).isEqualTo(value);
            assertThat(copy.getClass()).isEqualTo(value.getClass());
        }
        byte[] bytes = {0, -1, 127, -128};
        assertThat(view.deserialize(view.serialize(bytes), byte[].class)).containsExactly(bytes);
        int[] ints = {Integer.MIN_VALUE, 0, Integer.MAX_VALUE};
        assertThat(view.deserialize(view.serialize(ints), int[].class)).containsExactly(ints);
        boolean[] booleans = {true, false, false, true};
        assertThat(view.deserialize(view.serialize(booleans), boolean[].class)).containsExactly(booleans);
        double[] doubles = {Double.NaN, -0.0, 1e300};
        assertThat(view.deserialize(view.serialize(doubles), double[].class)).containsExactly(doubles);
        String[] strings = {"a", null, "ü"};
        assertThat(view.deserialize(view.serialize(strings), String[].class)).containsExactly(strings);
        Object[] objects = {"a", 1, null, NodeId.of("n")};
        assertThat(view.deserialize(view.serialize(objects), Object[].class)).containsExactly(objects);
        assertThat(view.deserialize(view.serialize(null), Object.class)).isNull();
        assertThat(view.deserialize(view.serialize(null), String.class)).isNull();
    }

    @Test
    void coreTypesUseTheirFixedIds() {
        assertThat(wireTypeId(view.serialize(NodeId.of("node-1")))).isEqualTo(CoreTypes.NODE_ID);
        assertThat(wireTypeId(view.serialize(MessageSubject.of("s")))).isEqualTo(CoreTypes.MESSAGE_SUBJECT);
        assertThat(wireTypeId(view.serialize(new byte[1]))).isEqualTo(20);
        assertThat(wireTypeId(view.serialize(new ArrayList<>()))).isEqualTo(30);
        assertThat(wireTypeId(view.serialize(new HashMap<>()))).isEqualTo(34);
        assertThat(wireTypeId(view.serialize(UUID.randomUUID()))).isEqualTo(36);
    }

    @Test
    void unregisteredTypeFailsToSerialize() {
        assertThatThrownBy(() -> view.serialize(new Unregistered("x")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Unregistered.class.getName());
        // Also when it is only held by a core collection.
        ArrayList<Object> list = new ArrayList<>(List.of("fine", new Unregistered("hidden")));
        assertThatThrownBy(() -> view.serialize(list))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Unregistered.class.getName());
        // A JDK type that is not core is refused too.
        assertThatThrownBy(() -> view.serialize(new java.util.TreeMap<>()))
                .isInstanceOf(SerializationException.class);
        // The runtime keeps working afterwards.
        assertThat(view.deserialize(view.serialize("still fine"), String.class)).isEqualTo("still fine");
    }

    @Test
    void bytesOfATypeFailToDeserializeOnceItsRegistrationIsClosed() {
        TypeRegistration registration = view.register(1000, Greeting.class);
        Greeting original = new Greeting("bye", 1, NodeId.of("node-1"));
        byte[] bytes = view.serialize(original);
        // Warm the pool: several pooled Kryo instances now know the type.
        for (int i = 0; i < 20; i++) {
            assertThat(view.deserialize(view.serialize(original), Greeting.class)).isEqualTo(original);
        }

        registration.close();

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("1000");
        assertThatThrownBy(() -> view.serialize(original)).isInstanceOf(SerializationException.class);
        assertThat(view.registeredTypes()).doesNotContainKey(1000);
        registration.close(); // closing again does nothing
    }

    @Test
    void bytesOfATypeFailToDeserializeOnceItsOwnersViewIsClosed() {
        OwnedSerializationService other =
                new OwnedSerializationService(runtime, "owner-b", getClass().getClassLoader()::loadClass);
        view.register(1001, Inventory.class);
        Inventory original = sampleInventory();
        byte[] bytes = view.serialize(original);
        for (int i = 0; i < 20; i++) {
            assertThat(other.deserialize(other.serialize(original), Inventory.class)).isEqualTo(original);
        }

        view.close();

        assertThatThrownBy(() -> other.deserialize(bytes, Inventory.class))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> other.serialize(original)).isInstanceOf(SerializationException.class);
    }

    @Test
    void deserializingAsTheWrongTypeFails() {
        view.register(1000, Greeting.class);
        byte[] greeting = view.serialize(new Greeting("x", 1, NodeId.of("n")));
        byte[] text = view.serialize("just text");

        assertThatThrownBy(() -> view.deserialize(text, Integer.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Integer.class.getName())
                .hasMessageContaining(String.class.getName());
        assertThatThrownBy(() -> view.deserialize(greeting, Inventory.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Inventory.class.getName())
                .hasMessageContaining(Greeting.class.getName());
        assertThat(view.deserialize(greeting, Record.class)).isInstanceOf(Greeting.class);
    }

    @Test
    void nullBytesAreRefused() {
        assertThatThrownBy(() -> view.deserialize(null, Object.class)).isInstanceOf(SerializationException.class);
    }
}
