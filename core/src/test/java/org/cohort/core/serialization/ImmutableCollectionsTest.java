package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.serialization.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDK's immutable collections, as a sibling's records hold them, with no registration of their own. */
class ImmutableCollectionsTest {

    /** A sibling's record with the usual defensive copies. */
    record Roster(String team, List<String> names, Set<NodeId> nodes, Map<String, Integer> scores) {
        Roster {
            names = List.copyOf(names);
            nodes = Set.copyOf(nodes);
            scores = Map.copyOf(scores);
        }
    }

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService view =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);

    @AfterEach
    void closeView() {
        view.close();
    }

    private Object roundTrip(Object value) {
        return view.deserialize(view.serialize(value), Object.class);
    }

    @Test
    void aRecordWithDefensiveCopiesRoundTrips() {
        view.register(1000, Roster.class);
        for (int size : new int[] {0, 1, 2, 3, 50}) {
            List<String> names = IntStream.range(0, size).mapToObj(i -> "name-" + i).toList();
            Set<NodeId> nodes = new TreeSet<>();
            names.forEach(name -> nodes.add(NodeId.of(name)));
            Map<String, Integer> scores = new java.util.HashMap<>();
            names.forEach(name -> scores.put(name, name.length()));
            Roster original = new Roster("blue", names, nodes, scores);

            Roster copy = view.deserialize(view.serialize(original), Roster.class);

            assertThat(copy).as("roster of %d", size).isEqualTo(original).isNotSameAs(original);
            assertThat(copy.names()).containsExactlyElementsOf(names);
            assertThatThrownBy(() -> copy.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> copy.nodes().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> copy.scores().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void everyFactoryRoundTripsToAnEqualImmutableValueOfTheSameClass() {
        List<Object> values = List.of(
                List.of(), List.of("one"), List.of("one", 2), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                List.copyOf(new ArrayList<>(List.of("a", "b", "c"))),
                Set.of(), Set.of("one"), Set.of(1, 2), Set.of("a", "b", "c", "d"),
                Map.of(), Map.of("k", 1), Map.of("a", 1, "b", 2, "c", 3),
                Map.ofEntries(Map.entry("x", List.of(1)), Map.entry("y", List.of())),
                Map.copyOf(new java.util.HashMap<>(Map.of("h", "i"))),
                Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.singletonList("only"), Collections.singleton(7), Collections.singletonMap("k", "v"),
                Collections.unmodifiableList(new ArrayList<>(List.of("u", "v"))),
                Collections.unmodifiableList(new LinkedList<>(List.of("w"))),
                Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of("p", "q"))),
                Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.of("m", 1))),
                // Nested: immutable inside immutable, and inside the mutable core collections.
                List.of(List.of(Set.of("deep")), Map.of("inner", List.of(1, 2))),
                new ArrayList<>(List.of(List.of("in", "array-list"))));
        for (Object value : values) {
            Object copy = roundTrip(value);

            assertThat(copy).as("round trip of %s (%s)", value, value.getClass().getName()).isEqualTo(value);
            assertThat(copy.getClass()).as("class of %s", value).isEqualTo(value.getClass());
        }
    }

    @Test
    void listsKeepTheirOrderAndNullsWhereTheFactoryAllowsThem() {
        assertThat(roundTrip(List.of(3, 1, 2))).asList().containsExactly(3, 1, 2);

        // Stream.toList() is List.of's class but may hold nulls: it comes back equal and unmodifiable.
        List<String> streamed = Stream.of("s", "t").toList();
        assertThat(roundTrip(streamed)).isEqualTo(streamed);
        List<String> withNulls = Stream.of("a", null, "c").toList();
        Object copy = roundTrip(withNulls);
        assertThat(copy).asList().containsExactly("a", null, "c");
        assertThatThrownBy(() -> ((List<?>) copy).clear()).isInstanceOf(UnsupportedOperationException.class);

        List<String> asList = Arrays.asList("x", null);
        assertThat(roundTrip(asList)).isEqualTo(asList).isInstanceOf(asList.getClass());
    }

    @Test
    void decodedValuesAreImmutable() {
        assertThatThrownBy(() -> ((List<?>) roundTrip(List.of(1, 2, 3))).remove(0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Set<?>) roundTrip(Set.of(1))).clear())
                .isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Integer> map = (Map<String, Integer>) roundTrip(Map.of("a", 1));
        assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> unmodifiable = (List<Object>) roundTrip(Collections.unmodifiableList(new ArrayList<>(List.of(1))));
        assertThatThrownBy(() -> unmodifiable.add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theyHaveFixedCoreIds() {
        assertThat(wireTypeId(view.serialize(List.of(1)))).isEqualTo(JdkImmutableTypes.LIST_12);
        assertThat(wireTypeId(view.serialize(List.of()))).isEqualTo(JdkImmutableTypes.LIST_N);
        assertThat(wireTypeId(view.serialize(Set.of(1, 2, 3)))).isEqualTo(JdkImmutableTypes.SET_N);
        assertThat(wireTypeId(view.serialize(Map.of(1, 2)))).isEqualTo(JdkImmutableTypes.MAP_1);
        assertThat(wireTypeId(view.serialize(Arrays.asList(1)))).isEqualTo(JdkImmutableTypes.ARRAYS_AS_LIST);
        assertThat(view.registeredTypes()).containsEntry(JdkImmutableTypes.LIST_N, List.of().getClass().getName());
    }

    @Test
    void aSiblingCannotRegisterThemAgain() {
        assertThatThrownBy(() -> view.register(1000, List.of().getClass()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registered by Cohort core");
    }

    @Test
    void duplicatesForgedIntoASetOrMapAreRefused() {
        Output set = new Output(64, -1);
        set.writeVarInt(JdkImmutableTypes.SET_N + 2, true);
        set.writeVarInt(2, true);
        set.writeVarInt(3 + 2, true); // Kryo's int id: 3
        set.writeVarInt(7, false);
        set.writeVarInt(3 + 2, true);
        set.writeVarInt(7, false);
        byte[] bytes = set.toBytes();

        assertThatThrownBy(() -> view.deserialize(bytes, Object.class)).isInstanceOf(SerializationException.class);
        assertThat(roundTrip(List.of("still fine"))).isEqualTo(List.of("still fine"));
    }

    @ParameterizedTest(name = "type id {0}")
    @ValueSource(ints = {40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50})
    @Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
    void hugeDeclaredLengthsAreRefusedBeforeAllocating(int typeId) {
        for (int declared : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 8, 1 << 30, 100_000}) {
            Output out = new Output(64, -1);
            out.writeVarInt(typeId + 2, true);
            out.writeVarInt(declared, true);
            out.writeBytes(new byte[32]); // some bytes after, so that the check, not underflow, refuses
            byte[] bytes = out.toBytes();

            assertThatThrownBy(() -> view.deserialize(bytes, Object.class))
                    .as("type %d declaring %d", typeId, declared)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("declared")
                    .hasMessageContaining("exceeds");
        }
    }

    @Test
    void nullElementsTakeAByteEachSoTheirCountIsBoundedByTheBytes() {
        List<Object> nulls = Collections.unmodifiableList(Arrays.asList(new Object[5000]));
        assertThat((List<?>) roundTrip(nulls)).hasSize(5000).containsOnlyNulls();
    }

    private static int wireTypeId(byte[] bytes) {
        return new Input(bytes).readVarInt(true) - 2;
    }
}
