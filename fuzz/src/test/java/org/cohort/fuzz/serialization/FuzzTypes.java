package org.cohort.fuzz.serialization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.cohort.api.cluster.NodeId;

/**
 * Payload types a sibling bundle might register, for the deserialization fuzz target, and two canaries
 * that must never be instantiated: {@link Canary} is never registered (though a registered type names
 * it as a field type) and {@link Retired} is registered once and unregistered again before any input.
 */
final class FuzzTypes {

    private FuzzTypes() {
    }

    /** A record of scalars and a core type. */
    record Greeting(String text, int count, NodeId from) {
    }

    /** A plain class with collection, map, array and string fields. */
    static final class Inventory {
        List<String> names;
        Map<String, Integer> counts;
        int[] numbers;
        String label;
    }

    /** A record holding other registered types and collections of anything. */
    record Parcel(long id, Greeting greeting, List<Object> items, Map<Object, Object> attributes, Set<UUID> tags) {
    }

    /** A record of every array kind core registers. */
    record AllArrays(byte[] data, boolean[] flags, int[] ints, long[] longs, double[] doubles, String[] words,
            Object[] objects) {
    }

    /** A linked structure, as deep as the input makes it. */
    static final class Chain {
        Object value;
        Chain next;
    }

    enum Color {
        RED,
        GREEN,
        BLUE
    }

    /** A sibling's own collection and map classes (subclasses of the mutable JDK ones). */
    static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;
    }

    static final class Index extends HashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    static final class Tags extends HashSet<Color> {
        private static final long serialVersionUID = 1L;
    }

    /** A record of one value of any registered type. */
    record Holder(Object payload) {
    }

    /** A registered record whose one field has a type that is never registered. */
    record Trap(Canary canary) {
    }

    /** The first thing any code touching a canary does: initialize it. */
    static final AtomicReference<String> TRIPPED = new AtomicReference<>();

    /** Never registered: its class must never be initialized, let alone instantiated. */
    static final class Canary {
        static {
            TRIPPED.compareAndSet(null, "Canary (never registered) was initialized");
        }

        Canary() {
            TRIPPED.compareAndSet(null, "Canary (never registered) was constructed");
        }
    }

    /** Registered and unregistered again before fuzzing: its class must never be initialized either. */
    record Retired(String text) {
        static {
            TRIPPED.compareAndSet(null, "Retired (unregistered) was initialized");
        }
    }
}
