package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.UUIDSerializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * The types every node registers, at ids fixed here forever: changing an id is a wire-protocol change.
 * Kryo itself holds ids 0 to 9 (primitives, their wrappers and String); Cohort owns 10 to 999.
 */
final class CoreTypes {

    static final int NODE_ID = 10;
    static final int MESSAGE_SUBJECT = 11;
    static final int CLUSTER_MESSAGE = 12;

    private CoreTypes() {
    }

    /** Registers the core types on a fresh Kryo. */
    static void registerOn(Kryo kryo) {
        kryo.register(NodeId.class, new NodeIdSerializer(), NODE_ID);
        kryo.register(MessageSubject.class, new MessageSubjectSerializer(), MESSAGE_SUBJECT);
        kryo.register(ClusterMessage.class, new ClusterMessageSerializer(), CLUSTER_MESSAGE);

        kryo.register(byte[].class, 20);
        kryo.register(int[].class, 21);
        kryo.register(long[].class, 22);
        kryo.register(boolean[].class, new BoundedBooleanArraySerializer(), 23);
        kryo.register(double[].class, 24);
        kryo.register(String[].class, new BoundedObjectArraySerializer(kryo, String[].class), 25);
        kryo.register(Object[].class, new BoundedObjectArraySerializer(kryo, Object[].class), 26);

        kryo.register(ArrayList.class, new BoundedCollectionSerializer(), 30);
        kryo.register(LinkedList.class, new BoundedCollectionSerializer(), 31);
        kryo.register(HashSet.class, new BoundedCollectionSerializer(), 32);
        kryo.register(LinkedHashSet.class, new BoundedCollectionSerializer(), 33);
        kryo.register(HashMap.class, new BoundedMapSerializer(), 34);
        kryo.register(LinkedHashMap.class, new BoundedMapSerializer(), 35);
        // Explicit serializer: Kryo's default for UUID is a FieldSerializer, which reflects into
        // java.util's private fields and fails on Java 17 unless java.base opens java.util.
        kryo.register(UUID.class, new UUIDSerializer(), 36);

        JdkImmutableTypes.registerOn(kryo);
    }

    /** Returns the ids and class names of every type a fresh Kryo knows, Kryo's own included. */
    static SortedMap<Integer, String> describe(Kryo kryo) {
        SortedMap<Integer, String> types = new TreeMap<>();
        for (int id = 0; id < 1000; id++) {
            var registration = kryo.getClassResolver().getRegistration(id);
            if (registration != null) {
                types.put(id, registration.getType().getName());
            }
        }
        return Collections.unmodifiableSortedMap(types);
    }
}
