package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.BooleanArraySerializer;

/**
 * Kryo's boolean array serializer, except that it checks the declared length before allocating: Kryo's
 * own allocates the array itself instead of going through {@link Input#readBooleans(int)}, so
 * {@link BoundedInput} cannot check it.
 */
final class BoundedBooleanArraySerializer extends BooleanArraySerializer {

    @Override
    public boolean[] read(Kryo kryo, Input input, @SuppressWarnings("rawtypes") Class type) {
        int start = input.position();
        int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne != Kryo.NULL) { // a null array declares no length
            InputBounds.require(input, lengthPlusOne - 1L, 1, "boolean array");
        }
        input.setPosition(start);
        return super.read(kryo, input, type);
    }
}
