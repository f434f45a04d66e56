package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;

/** Kryo's object array serializer, except that it checks the declared length before allocating. */
final class BoundedObjectArraySerializer extends ObjectArraySerializer {

    BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
        super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, @SuppressWarnings("rawtypes") Class type) {
        InputBounds.requireArrayLength(input, 1, "object array");
        return super.read(kryo, input, type);
    }
}
