package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Collections whose elements take no bytes on the wire read back as they were written. (Found by
 * fuzzing, cohort-fuzz's DeserializationFuzzTest: Kryo writes a collection of nulls, or of a final
 * element type that serializes to nothing, as a header without a byte per element, and the bounded
 * collection serializer refuses a declared size larger than the bytes left.)
 */
class EmptyElementsTest {

    /** A record without components: Kryo writes it in zero bytes. */
    record Marker() {
    }

    /** A sibling's type with a list of a final element type, so that Kryo writes no class per element. */
    static final class Markers {
        List<Marker> markers;
    }

    private final OwnedSerializationService view = new OwnedSerializationService(new KryoSerialization(), "owner-a",
            getClass().getClassLoader()::loadClass);

    @AfterEach
    void close() {
        view.close();
    }

    @Test
    void aListOfNullsReadsBack() {
        ArrayList<Object> nulls = new ArrayList<>(Arrays.asList(null, null));
        Object back = view.deserialize(view.serialize(nulls), ArrayList.class);

        assertThat(back).isEqualTo(nulls);
    }

    @Test
    void aListOfComponentlessRecordsReadsBack() {
        view.register(1000, Marker.class);
        view.register(1001, Markers.class);
        Markers markers = new Markers();
        markers.markers = new ArrayList<>(List.of(new Marker(), new Marker(), new Marker()));

        assertThat(view.deserialize(view.serialize(markers), Markers.class).markers).isEqualTo(markers.markers);
    }
}
