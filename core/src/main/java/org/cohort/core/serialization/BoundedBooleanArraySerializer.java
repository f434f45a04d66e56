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
        InputBounds.requireArrayLength(input, 1, "boolean array");
        return super.read(kryo, input, type);
    }
}
