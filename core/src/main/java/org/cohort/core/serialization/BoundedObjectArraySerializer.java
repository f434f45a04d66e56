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
        int start = input.position();
        int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne != Kryo.NULL) { // a null array declares no length
            InputBounds.require(input, lengthPlusOne - 1L, 1, "object array");
        }
        input.setPosition(start);
        return super.read(kryo, input, type);
    }
}
