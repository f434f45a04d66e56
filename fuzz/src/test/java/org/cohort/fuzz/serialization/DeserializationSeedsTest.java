package org.cohort.fuzz.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cohort.fuzz.serialization.DeserializationFuzzTest.ENTRY_POINTS;
import static org.cohort.fuzz.serialization.DeserializationFuzzTest.SERVICE;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.fuzz.serialization.FuzzTypes.AllArrays;
import org.cohort.fuzz.serialization.FuzzTypes.Chain;
import org.cohort.fuzz.serialization.FuzzTypes.Color;
import org.cohort.fuzz.serialization.FuzzTypes.Greeting;
import org.cohort.fuzz.serialization.FuzzTypes.Holder;
import org.cohort.fuzz.serialization.FuzzTypes.Index;
import org.cohort.fuzz.serialization.FuzzTypes.Inventory;
import org.cohort.fuzz.serialization.FuzzTypes.Names;
import org.cohort.fuzz.serialization.FuzzTypes.Parcel;
import org.cohort.fuzz.serialization.FuzzTypes.Tags;
import org.cohort.fuzz.serialization.FuzzTypes.Trap;
import org.cohort.fuzz.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seeds of {@link DeserializationFuzzTest}: one value of each registered type (and some core types)
 * as the real serializer writes it, each behind the byte that asks for its type, and an envelope as the
 * real encoder writes it. The kept seeds must read back without an error, so that the fuzzer starts from
 * every serializer; {@code -Dfuzz.writeSeeds=true} rewrites them.
 */
class DeserializationSeedsTest {

    @Test
    void everyKeptSeedReadsBack() {
        Map<String, byte[]> kept = Seeds.read(DeserializationFuzzTest.class, "deserialize");
        assertThat(kept.keySet()).as("kept seeds")
                .containsAll(seeds().keySet().stream().map(name -> "seed-" + name).toList());
        kept.forEach((name, input) -> {
            if (name.startsWith("seed-")) {
                int entry = (input[0] & 0xff) % (ENTRY_POINTS.size() + 1);
                byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
                if (entry == DeserializationFuzzTest.ENVELOPE) {
                    assertThat(SERVICE.decode(ByteBuffer.wrap(bytes))).as(name).isNotNull();
                } else {
                    assertThat(SERVICE.deserialize(bytes, ENTRY_POINTS.get(entry))).as(name).isNotNull();
                }
                new DeserializationFuzzTest().deserialize(input);
            }
        });
    }

    @Test
    @EnabledIfSystemProperty(named = Seeds.WRITE_PROPERTY, matches = "true")
    void writeSeeds() throws Exception {
        Seeds.write(DeserializationFuzzTest.class, "deserialize", seeds());
    }

    static Map<String, byte[]> seeds() {
        NodeId n2 = NodeId.of("n2");
        Greeting greeting = new Greeting("hello", 3, n2);
        Inventory inventory = new Inventory();
        inventory.names = new ArrayList<>(List.of("a", "b"));
        inventory.counts = new HashMap<>(Map.of("a", 1, "b", 2));
        inventory.numbers = new int[] {1, -1, Integer.MAX_VALUE};
        inventory.label = "stock";
        Map<Object, Object> attributes = new LinkedHashMap<>();
        attributes.put("k", 7L);
        attributes.put(1, Color.GREEN);
        Parcel parcel = new Parcel(99L, greeting,
                new ArrayList<>(List.of("text", 1, 2.5, true, n2, new LinkedList<>(List.of('c')), new int[] {4})),
                attributes, new java.util.HashSet<>(List.of(new UUID(1, 2))));
        AllArrays arrays = new AllArrays(new byte[] {1, 2}, new boolean[] {true, false}, new int[] {3}, new long[] {4L},
                new double[] {5.5}, new String[] {"w", null}, new Object[] {"o", 1, null});
        Chain chain = new Chain();
        chain.value = "head";
        chain.next = new Chain();
        chain.next.value = greeting;
        chain.next.next = new Chain();
        Names names = new Names();
        names.add("x");
        Index index = new Index();
        index.put("i", 2);
        Tags tags = new Tags();
        tags.add(Color.RED);

        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("object-greeting", seed(Object.class, greeting));
        seeds.put("greeting", seed(Greeting.class, greeting));
        seeds.put("inventory", seed(Inventory.class, inventory));
        seeds.put("parcel", seed(Parcel.class, parcel));
        seeds.put("arrays", seed(AllArrays.class, arrays));
        seeds.put("chain", seed(Chain.class, chain));
        seeds.put("color", seed(Color.class, Color.BLUE));
        seeds.put("names", seed(Names.class, names));
        seeds.put("index", seed(Index.class, index));
        seeds.put("tags", seed(Tags.class, tags));
        seeds.put("holder", seed(Holder.class, new Holder(new Holder(greeting))));
        seeds.put("string", seed(String.class, "caf\u00e9 \u2603"));
        seeds.put("array-list", seed(ArrayList.class, new ArrayList<>(List.of("a", 1L))));
        seeds.put("hash-map", seed(HashMap.class, new HashMap<>(Map.of("a", new byte[] {1}))));
        seeds.put("object-array", seed(Object[].class, new Object[] {"a", greeting}));
        ClusterMessage message = new ClusterMessage(n2, MessageSubject.of("fuzz.subject"), new byte[] {1, 2, 3});
        seeds.put("cluster-message", seed(ClusterMessage.class, message));
        ByteBuffer envelope = ByteBuffer.allocate(SERVICE.maxEncodedLength(message));
        SERVICE.encode(message, envelope);
        byte[] encoded = Arrays.copyOf(envelope.array(), envelope.position());
        seeds.put("envelope", entry(DeserializationFuzzTest.ENVELOPE, encoded));
        return seeds;
    }

    private static byte[] seed(Class<?> type, Object value) {
        return entry(ENTRY_POINTS.indexOf(type), SERVICE.serialize(value));
    }

    private static byte[] entry(int entry, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(entry);
        out.writeBytes(bytes);
        return out.toByteArray();
    }
}
