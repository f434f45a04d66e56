package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import java.util.Collection;

/** Kryo's collection serializer, except that it checks the declared size before presizing anything. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedCollectionSerializer extends CollectionSerializer<Collection> {

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
        InputBounds.requireElements(input, size, "collection");
        // Presized for the bytes left at most: elements beyond them (nulls, field-less objects) take
        // room as they are read, not before.
        long left = (long) input.limit() - input.position();
        return super.create(kryo, input, type, (int) Math.min(size, left));
    }
}
