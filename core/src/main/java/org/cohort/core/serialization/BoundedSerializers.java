package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Collection;
import java.util.Map;

/**
 * Picks the serializer for a type a sibling bundle registers: Kryo's default, swapped for the bounded
 * variant where Kryo's default would presize from a declared length.
 */
final class BoundedSerializers {

    private BoundedSerializers() {
    }

    /**
     * @throws IllegalArgumentException for a collection or map type whose Kryo serializer is one of
     *     Kryo's specialised ones (immutable lists, Arrays.asList, PriorityQueue...): those presize
     *     from the declared length and Cohort has no bounded variant of them
     */
    static Serializer<?> forType(Kryo kryo, Class<?> type) {
        Serializer<?> chosen = kryo.getDefaultSerializer(type);
        if (chosen.getClass() == CollectionSerializer.class) {
            return new BoundedCollectionSerializer();
        }
        if (chosen.getClass() == MapSerializer.class) {
            return new BoundedMapSerializer();
        }
        if (chosen.getClass() == ObjectArraySerializer.class) {
            return new BoundedObjectArraySerializer(kryo, type);
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " would be read by Kryo's "
                    + chosen.getClass().getSimpleName() + ", which trusts declared sizes; use a mutable "
                    + "collection or map class (e.g. ArrayList, HashMap, or a subclass of one)");
        }
        return chosen;
    }
}
