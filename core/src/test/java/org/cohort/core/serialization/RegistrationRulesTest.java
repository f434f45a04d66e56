package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.SortedMap;
import java.util.UUID;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.api.serialization.TypeRegistration;
import org.cohort.core.serialization.TestTypes.Alpha;
import org.cohort.core.serialization.TestTypes.Beta;
import org.cohort.core.serialization.TestTypes.Greeting;
import org.cohort.core.serialization.TestTypes.Inventory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationRulesTest {

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService viewA =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);
    private final OwnedSerializationService viewB =
            new OwnedSerializationService(runtime, "owner-b", getClass().getClassLoader()::loadClass);

    @AfterEach
    void closeViews() {
        viewA.close();
        viewB.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 10, 12, 999, 65536, Integer.MAX_VALUE})
    void idsOutsideTheApplicationRangeAreRefused(int typeId) {
        assertThatThrownBy(() -> viewA.register(typeId, Greeting.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type id " + typeId)
                .hasMessageContaining("1000..65535")
                .hasMessageContaining("reserved");
        assertThat(viewA.registeredTypes()).doesNotContainValue(Greeting.class.getName());
    }

    @Test
    void theRangeBoundsThemselvesAreAccepted() {
        TypeRegistration first = viewA.register(SerializationService.FIRST_APPLICATION_TYPE_ID, Greeting.class);
        TypeRegistration last = viewA.register(SerializationService.LAST_APPLICATION_TYPE_ID, Inventory.class);

        assertThat(first.typeId()).isEqualTo(1000);
        assertThat(last.typeId()).isEqualTo(65535);
        Greeting greeting = new Greeting("g", 1, NodeId.of("n"));
        assertThat(viewA.deserialize(viewA.serialize(greeting), Greeting.class)).isEqualTo(greeting);
    }

    @Test
    void aTakenIdIsRefusedNamingTheExistingTypeAndOwner() {
        viewA.register(1000, Greeting.class);

        assertThatThrownBy(() -> viewB.register(1000, Inventory.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000")
                .hasMessageContaining(Greeting.class.getName())
                .hasMessageContaining("owner-a")
                .hasMessageContaining(Inventory.class.getName());
        assertThat(viewA.registeredTypes()).containsEntry(1000, Greeting.class.getName());
    }

    @Test
    void theSameClassUnderASecondIdIsRefused() {
        viewA.register(1000, Greeting.class);

        assertThatThrownBy(() -> viewB.register(1001, Greeting.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Greeting.class.getName())
                .hasMessageContaining("1000")
                .hasMessageContaining("owner-a");
        assertThatThrownBy(() -> viewA.register(1001, Greeting.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(viewA.registeredTypes()).doesNotContainKey(1001);
    }

    @ParameterizedTest
    @ValueSource(classes = {ArrayList.class, HashMap.class, UUID.class, NodeId.class, MessageSubject.class,
        ClusterMessage.class, String.class, byte[].class, int[].class, Object[].class, String[].class,
        int.class, long.class, Integer.class, Long.class, Boolean.class, Double.class, Character.class})
    void coreTypesAreRefused(Class<?> coreType) {
        byte[] before = viewA.serialize(sampleOf(coreType));

        assertThatThrownBy(() -> viewA.register(1000, coreType))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(coreType.getName())
                .hasMessageContaining("core");
        assertThat(viewA.registeredTypes()).doesNotContainKey(1000);
        assertThat(viewA.serialize(sampleOf(coreType))).as("core encoding unchanged").isEqualTo(before);
    }

    private static Object sampleOf(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return 7;
        }
        if (type == long.class || type == Long.class) {
            return 7L;
        }
        if (type == Boolean.class) {
            return true;
        }
        if (type == Double.class) {
            return 7.5d;
        }
        if (type == Character.class) {
            return 'c';
        }
        if (type == String.class) {
            return "s";
        }
        if (type == UUID.class) {
            return new UUID(1, 2);
        }
        if (type == NodeId.class) {
            return NodeId.of("n");
        }
        if (type == MessageSubject.class) {
            return MessageSubject.of("s");
        }
        if (type == ClusterMessage.class) {
            return new ClusterMessage(NodeId.of("n"), MessageSubject.of("s"), new byte[1]);
        }
        if (type.isArray()) {
            return java.lang.reflect.Array.newInstance(type.getComponentType(), 1);
        }
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void collectionTypesKryoReadsWithoutBoundsAreRefused() {
        Class<?> presizing = java.util.PriorityQueue.class;
        assertThatThrownBy(() -> viewA.register(1000, presizing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(presizing.getName())
                .hasMessageContaining("declared sizes");
        assertThat(viewA.registeredTypes()).doesNotContainKey(1000);
    }

    @Test
    void immutableListTypesAreRefused() {
        Class<?> listN = java.util.List.of(1, 2, 3).getClass();
        Class<?> asList = java.util.Arrays.asList(1, 2).getClass();
        assertThatThrownBy(() -> viewA.register(1000, listN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> viewA.register(1001, asList)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSubclassOfAMutableCollectionIsAccepted() {
        viewA.register(1000, TaggedList.class);
        TaggedList list = new TaggedList();
        list.add("x");
        assertThat(viewA.deserialize(viewA.serialize(list), TaggedList.class)).containsExactly("x");
    }

    /** A sibling's own collection type, read by the bounded collection serializer. */
    public static final class TaggedList extends ArrayList<String> {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void registeringByClassNameLoadsThroughTheOwnersClassLoader() {
        TypeRegistration registration = viewA.register(1000, Greeting.class.getName());

        assertThat(registration.typeId()).isEqualTo(1000);
        assertThat(registration.type()).isSameAs(Greeting.class);
        Greeting greeting = new Greeting("by name", 2, NodeId.of("n"));
        assertThat(viewA.deserialize(viewA.serialize(greeting), Greeting.class)).isEqualTo(greeting);
    }

    @Test
    void registeringByClassNameUsesTheGivenLoader() {
        OwnedSerializationService blind = new OwnedSerializationService(runtime, "owner-blind", name -> {
            throw new ClassNotFoundException(name);
        });

        assertThatThrownBy(() -> blind.register(1000, Greeting.class.getName()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner-blind")
                .hasMessageContaining(Greeting.class.getName());
        assertThat(runtime.registeredTypes()).doesNotContainKey(1000);
    }

    @Test
    void anUnknownClassNameIsRefused() {
        assertThatThrownBy(() -> viewA.register(1000, "org.cohort.does.not.Exist"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("org.cohort.does.not.Exist")
                .hasMessageContaining("owner-a")
                .hasMessageContaining("1000");
        assertThat(viewA.registeredTypes()).doesNotContainKey(1000);
    }

    @Test
    void aClosedRegistrationFreesItsIdAndItsType() {
        TypeRegistration first = viewA.register(1000, Greeting.class);
        first.close();

        TypeRegistration again = viewB.register(1000, Inventory.class);
        TypeRegistration elsewhere = viewB.register(1001, Greeting.class);

        assertThat(again.typeId()).isEqualTo(1000);
        assertThat(elsewhere.typeId()).isEqualTo(1001);
        assertThat(viewA.registeredTypes())
                .containsEntry(1000, Inventory.class.getName())
                .containsEntry(1001, Greeting.class.getName());
    }

    @Test
    void closingAStaleRegistrationAgainDoesNotRemoveANewerOne() {
        TypeRegistration stale = viewA.register(1000, Greeting.class);
        stale.close();
        TypeRegistration current = viewA.register(1000, Greeting.class);

        stale.close();

        assertThat(viewA.registeredTypes()).containsEntry(1000, Greeting.class.getName());
        Greeting greeting = new Greeting("kept", 1, NodeId.of("n"));
        assertThat(viewA.deserialize(viewA.serialize(greeting), Greeting.class)).isEqualTo(greeting);
        current.close();
        assertThat(viewA.registeredTypes()).doesNotContainKey(1000);
    }

    @Test
    void aRegistrationLeftOpenWhenItsViewClosedDoesNotRemoveALaterOne() {
        TypeRegistration leftOpen = viewA.register(1000, Greeting.class);
        viewA.close();
        viewA.register(1000, Greeting.class);

        leftOpen.close();

        assertThat(viewA.registeredTypes()).containsEntry(1000, Greeting.class.getName());
    }

    @Test
    void registeredTypesListsCoreAndSiblingIdsInOrder() {
        TypeRegistration greeting = viewA.register(1000, Greeting.class);
        viewA.register(2000, Inventory.class);

        SortedMap<Integer, String> types = viewA.registeredTypes();

        assertThat(types)
                .containsEntry(1, String.class.getName())
                .containsEntry(CoreTypes.NODE_ID, NodeId.class.getName())
                .containsEntry(CoreTypes.MESSAGE_SUBJECT, MessageSubject.class.getName())
                .containsEntry(CoreTypes.CLUSTER_MESSAGE, ClusterMessage.class.getName())
                .containsEntry(30, ArrayList.class.getName())
                .containsEntry(1000, Greeting.class.getName())
                .containsEntry(2000, Inventory.class.getName());
        assertThat(new ArrayList<>(types.keySet())).isSorted();
        assertThat(types.headMap(1000).keySet()).allMatch(id -> id >= 0 && id < 1000);
        assertThatThrownBy(() -> types.put(3000, "x")).isInstanceOf(UnsupportedOperationException.class);

        greeting.close();

        assertThat(viewB.registeredTypes())
                .doesNotContainKey(1000)
                .containsEntry(2000, Inventory.class.getName())
                .containsEntry(CoreTypes.NODE_ID, NodeId.class.getName());
        viewA.close();
        assertThat(viewB.registeredTypes()).doesNotContainKeys(1000, 2000).containsKey(CoreTypes.CLUSTER_MESSAGE);
    }

    @Test
    void aViewsCloseRemovesOnlyItsOwnRegistrations() {
        viewA.register(1000, Alpha.class);
        viewA.register(1001, Greeting.class);
        viewB.register(1002, Beta.class);
        viewB.register(1003, Inventory.class);
        Alpha alpha = new Alpha("a", 1);
        Beta beta = new Beta(2L, alpha, new ArrayList<>());
        byte[] alphaBytes = viewB.serialize(alpha);

        viewA.close();

        assertThat(viewB.registeredTypes()).doesNotContainKeys(1000, 1001)
                .containsEntry(1002, Beta.class.getName())
                .containsEntry(1003, Inventory.class.getName());
        assertThatThrownBy(() -> viewB.deserialize(alphaBytes, Alpha.class)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> viewB.serialize(beta)).isInstanceOf(SerializationException.class);
        Inventory inventory = new Inventory(new ArrayList<>(java.util.List.of("x")), new HashMap<>(), new int[0], "i");
        assertThat(viewB.deserialize(viewB.serialize(inventory), Inventory.class)).isEqualTo(inventory);
        // owner-a's ids are free again, owner-b's are not.
        viewA.register(1000, Alpha.class);
        assertThatThrownBy(() -> viewA.register(1002, Greeting.class)).hasMessageContaining("owner-b");
    }
}
