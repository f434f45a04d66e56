package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cohort.api.serialization.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes that are refused leave nothing behind: the next payload, read by the same pooled Kryo, reads
 * as it was written. (Found by fuzzing, cohort-fuzz's DeserializationFuzzTest: Kryo 5.6.2 leaves the
 * generic type of a field it failed inside on its generics stack, which Kryo.reset() does not clear;
 * upstream EsotericSoftware/kryo#1281.)
 */
class RefusedInputIsolationTest {

    /** A sibling's type with a generic collection field. */
    static final class Tagged {
        List<String> tags;
    }

    private final OwnedSerializationService view = new OwnedSerializationService(new KryoSerialization(), "owner-a",
            getClass().getClassLoader()::loadClass);

    @AfterEach
    void close() {
        view.close();
    }

    @Test
    void aPayloadRefusedInsideAGenericFieldDoesNotChangeHowTheNextPayloadReads() {
        view.register(1000, Tagged.class);
        Tagged tagged = new Tagged();
        tagged.tags = new ArrayList<>(List.of("alpha", "beta"));
        byte[] whole = view.serialize(tagged);
        List<String> list = new ArrayList<>(List.of("one", "two"));
        byte[] next = view.serialize(new Object[] {list});

        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> view.deserialize(truncated, Tagged.class))
                    .isInstanceOf(SerializationException.class);

            // Before the fix, after a cut inside the tags list this read silently gave "\u0003\u0000one".
            assertThat(view.deserialize(next, Object[].class)).as("after a payload cut at %d bytes", cut)
                    .containsExactly(list);
        }
    }
}
