package org.cohort.core.serialization;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cohort.api.cluster.NodeId;

/** Payload types standing in for the ones a sibling bundle would register. */
final class TestTypes {

    private TestTypes() {
    }

    /** A sibling's record type. */
    record Greeting(String text, int count, NodeId from) {
    }

    /** A sibling's plain class, with collection, map, array and string fields. */
    static final class Inventory {
        private final List<String> names;
        private final Map<String, Integer> counts;
        private final int[] numbers;
        private final String label;

        Inventory(List<String> names, Map<String, Integer> counts, int[] numbers, String label) {
            this.names = names;
            this.counts = counts;
            this.numbers = numbers;
            this.label = label;
        }

        List<String> names() {
            return names;
        }

        Map<String, Integer> counts() {
            return counts;
        }

        int[] numbers() {
            return numbers;
        }

        String label() {
            return label;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Inventory)) {
                return false;
            }
            Inventory that = (Inventory) other;
            return Objects.equals(names, that.names) && Objects.equals(counts, that.counts)
                    && Arrays.equals(numbers, that.numbers) && Objects.equals(label, that.label);
        }

        @Override
        public int hashCode() {
            return Objects.hash(names, counts, label) * 31 + Arrays.hashCode(numbers);
        }

        @Override
        public String toString() {
            return "Inventory{" + names + ", " + counts + ", " + Arrays.toString(numbers) + ", " + label + "}";
        }
    }

    /** A plain class whose fields may legitimately be null. */
    static final class Sparse {
        String text;
        String[] words;
        List<String> list;
        byte[] data;
        boolean[] flags;
        NodeId node;
    }

    /** Two types that refer to each other's kind, for the registration-order test. */
    record Alpha(String name, int value) {
    }

    record Beta(long id, Alpha alpha, List<Object> items) {
    }

    /** A type that is registered and unregistered over and over by the concurrency test. */
    record Flicker(int n) {
    }

    /** Never registered. */
    record Unregistered(String text) {
    }
}
