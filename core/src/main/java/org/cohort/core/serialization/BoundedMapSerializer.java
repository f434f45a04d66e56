package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Map;

/** Kryo's map serializer, except that it checks the declared size before presizing anything. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedMapSerializer extends MapSerializer<Map> {

    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
        // A key and a value each take at least one byte.
        InputBounds.require(input, size, 2, "map");
        return super.create(kryo, input, type, size);
    }
}
