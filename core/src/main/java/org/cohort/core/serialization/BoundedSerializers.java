package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;

/**
 * Picks the serializer for a type a sibling bundle registers: Kryo's default, swapped for the bounded
 * variant where Kryo's default would presize from a declared length.
 */
final class BoundedSerializers {

    private BoundedSerializers() {
    }

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
        return chosen;
    }
}
