package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsEmptyListSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsEmptyMapSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsEmptySetSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsSingletonListSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsSingletonMapSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CollectionsSingletonSetSerializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The JDK's immutable and fixed-size collections that records and value types hold (the classes behind
 * {@code List.of}, {@code List.copyOf}, {@code Set.of}, {@code Map.of}, {@code Map.copyOf},
 * {@code Stream.toList}, {@code Arrays.asList}, {@code Collections.unmodifiable*}, {@code empty*} and
 * {@code singleton*}), at ids fixed here forever like {@link CoreTypes}'.
 *
 * <p>These classes are private to java.base, so they are registered by the class of an instance, never
 * by name or reflection, and written with serializers of their own: a count, then each element with its
 * type id. Reading checks the count against the bytes left before sizing anything (as
 * {@link BoundedCollectionSerializer} does) and builds the value through the same public factory, so
 * what comes back is immutable as what was sent. Kryo's own serializers for them trust the count.
 */
final class JdkImmutableTypes {

    static final int LIST_12 = 40;
    static final int LIST_N = 41;
    static final int SET_12 = 42;
    static final int SET_N = 43;
    static final int MAP_1 = 44;
    static final int MAP_N = 45;
    static final int ARRAYS_AS_LIST = 46;
    static final int UNMODIFIABLE_RANDOM_ACCESS_LIST = 47;
    static final int UNMODIFIABLE_LIST = 48;
    static final int UNMODIFIABLE_SET = 49;
    static final int UNMODIFIABLE_MAP = 50;
    static final int EMPTY_LIST = 51;
    static final int EMPTY_SET = 52;
    static final int EMPTY_MAP = 53;
    static final int SINGLETON_LIST = 54;
    static final int SINGLETON_SET = 55;
    static final int SINGLETON_MAP = 56;

    private JdkImmutableTypes() {
    }

    static void registerOn(Kryo kryo) {
        // List.of(a) and List.of(a, b) are one class, List.of() and longer ones another; Stream.toList()
        // is the latter too, and may hold nulls, which List.of refuses: those come back unmodifiable.
        Serializer<?> immutableList = new ElementsSerializer<>(JdkImmutableTypes::immutableList);
        kryo.register(List.of(1).getClass(), immutableList, LIST_12);
        kryo.register(List.of().getClass(), immutableList, LIST_N);
        Serializer<?> immutableSet = new ElementsSerializer<>(Set::of);
        kryo.register(Set.of(1).getClass(), immutableSet, SET_12);
        kryo.register(Set.of().getClass(), immutableSet, SET_N);
        Serializer<?> immutableMap = new EntriesSerializer(Map::ofEntries);
        kryo.register(Map.of(1, 1).getClass(), immutableMap, MAP_1);
        kryo.register(Map.of().getClass(), immutableMap, MAP_N);

        kryo.register(Arrays.asList().getClass(), new ElementsSerializer<>(Arrays::asList), ARRAYS_AS_LIST);
        kryo.register(Collections.unmodifiableList(new ArrayList<>()).getClass(),
                new ElementsSerializer<>(elements -> Collections.unmodifiableList(new ArrayList<>(Arrays.asList(elements)))),
                UNMODIFIABLE_RANDOM_ACCESS_LIST);
        kryo.register(Collections.unmodifiableList(new LinkedList<>()).getClass(),
                new ElementsSerializer<>(elements -> Collections.unmodifiableList(new LinkedList<>(Arrays.asList(elements)))),
                UNMODIFIABLE_LIST);
        kryo.register(Collections.unmodifiableSet(new LinkedHashSet<>()).getClass(),
                new ElementsSerializer<>(elements -> Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(elements)))),
                UNMODIFIABLE_SET);
        kryo.register(Collections.unmodifiableMap(new LinkedHashMap<>()).getClass(),
                new EntriesSerializer(entries -> {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (Map.Entry<Object, Object> entry : entries) {
                        map.put(entry.getKey(), entry.getValue());
                    }
                    return Collections.unmodifiableMap(map);
                }), UNMODIFIABLE_MAP);

        // These hold no count: nothing to bound.
        kryo.register(Collections.emptyList().getClass(), new CollectionsEmptyListSerializer(), EMPTY_LIST);
        kryo.register(Collections.emptySet().getClass(), new CollectionsEmptySetSerializer(), EMPTY_SET);
        kryo.register(Collections.emptyMap().getClass(), new CollectionsEmptyMapSerializer(), EMPTY_MAP);
        kryo.register(Collections.singletonList(1).getClass(), new CollectionsSingletonListSerializer(), SINGLETON_LIST);
        kryo.register(Collections.singleton(1).getClass(), new CollectionsSingletonSetSerializer(), SINGLETON_SET);
        kryo.register(Collections.singletonMap(1, 1).getClass(), new CollectionsSingletonMapSerializer(), SINGLETON_MAP);
    }

    private static List<Object> immutableList(Object[] elements) {
        for (Object element : elements) {
            if (element == null) {
                return Collections.unmodifiableList(Arrays.asList(elements));
            }
        }
        return List.of(elements);
    }

    /** A collection as its count and its elements, rebuilt from an array of them. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class ElementsSerializer<C extends Collection> extends Serializer<C> {

        private final Function<Object[], C> rebuild;

        ElementsSerializer(Function<Object[], C> rebuild) {
            super(false, true);
            this.rebuild = rebuild;
        }

        @Override
        public void write(Kryo kryo, Output output, C collection) {
            output.writeVarInt(collection.size(), true);
            for (Object element : collection) {
                kryo.writeClassAndObject(output, element);
            }
        }

        @Override
        public C read(Kryo kryo, Input input, Class<? extends C> type) {
            int size = input.readVarInt(true);
            InputBounds.requireElements(input, size, "collection");
            Object[] elements = new Object[size];
            for (int i = 0; i < size; i++) {
                elements[i] = kryo.readClassAndObject(input);
            }
            return rebuild.apply(elements);
        }
    }

    /** A map as its count and its keys and values, rebuilt from an array of entries. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class EntriesSerializer extends Serializer<Map> {

        private final Function<Map.Entry<Object, Object>[], Map> rebuild;

        EntriesSerializer(Function<Map.Entry<Object, Object>[], Map> rebuild) {
            super(false, true);
            this.rebuild = rebuild;
        }

        @Override
        public void write(Kryo kryo, Output output, Map map) {
            output.writeVarInt(map.size(), true);
            for (Map.Entry<Object, Object> entry : (Set<Map.Entry<Object, Object>>) map.entrySet()) {
                kryo.writeClassAndObject(output, entry.getKey());
                kryo.writeClassAndObject(output, entry.getValue());
            }
        }

        @Override
        public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
            int size = input.readVarInt(true);
            // A key and a value each take at least one byte.
            InputBounds.require(input, size, 2, "map");
            Map.Entry<Object, Object>[] entries = new Map.Entry[size];
            for (int i = 0; i < size; i++) {
                Object key = kryo.readClassAndObject(input);
                entries[i] = new java.util.AbstractMap.SimpleImmutableEntry<>(key, kryo.readClassAndObject(input));
            }
            return rebuild.apply(entries);
        }
    }
}
