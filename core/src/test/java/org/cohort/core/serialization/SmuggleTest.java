package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.serialization.TestTypes.Alpha;
import org.cohort.core.serialization.TestTypes.Beta;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer tries to make this node build an object of a class it never registered, on every path by
 * which a class reaches the decoder: at the top, as a list element, a map key and value, an array
 * element, and a field of a registered type; once by a registration id this node does not have, once
 * by class name. Every attempt is refused with a SerializationException, and the class is never
 * instantiated.
 */
class SmuggleTest {

    /** Counts every instance ever made: it must stay 0 on the receiving side. */
    static final AtomicInteger CANARIES = new AtomicInteger();

    /** The class a hostile peer has registered and this node has not. */
    static final class Canary {
        String payload = "boom";

        Canary() {
            CANARIES.incrementAndGet();
        }
    }

    private static final int CANARY_ID = 1100;

    private final KryoSerialization receiverRuntime = new KryoSerialization();
    private final OwnedSerializationService receiver =
            new OwnedSerializationService(receiverRuntime, "receiver", getClass().getClassLoader()::loadClass);
    private final KryoSerialization attackerRuntime = new KryoSerialization();
    private final OwnedSerializationService attacker =
            new OwnedSerializationService(attackerRuntime, "attacker", getClass().getClassLoader()::loadClass);

    SmuggleTest() {
        for (OwnedSerializationService side : List.of(receiver, attacker)) {
            side.register(1200, Alpha.class);
            side.register(1201, Beta.class);
        }
        attacker.register(CANARY_ID, Canary.class);
    }

    @AfterEach
    void close() {
        receiver.close();
        attacker.close();
    }

    /** The graphs that carry a canary, each on another path. */
    private static Map<String, Function<Canary, Object>> paths() {
        Map<String, Function<Canary, Object>> paths = new HashMap<>();
        paths.put("top level", canary -> canary);
        paths.put("list element", canary -> new ArrayList<>(List.of("a", canary)));
        paths.put("map key", canary -> new HashMap<>(Map.of(canary, "v")));
        paths.put("map value", canary -> new HashMap<>(Map.of("k", canary)));
        paths.put("array element", canary -> new Object[] {1, canary});
        paths.put("field of a registered type", canary -> new Beta(7, new Alpha("a", 1),
                new ArrayList<>(List.of(canary))));
        return paths;
    }

    @Test
    void anUnregisteredIdIsRefusedOnEveryPath() {
        int before = CANARIES.get();
        paths().forEach((path, graph) -> {
            byte[] bytes = attacker.serialize(graph.apply(new Canary()));
            int made = CANARIES.get();

            assertThatThrownBy(() -> receiver.deserialize(bytes, Object.class)).as(path)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("type id " + CANARY_ID + " is not registered on this node");
            assertThat(CANARIES.get()).as("canaries made while decoding the " + path).isEqualTo(made);
        });
        assertThat(CANARIES.get() - before).as("only the sender's own canaries").isEqualTo(paths().size());
    }

    @Test
    void aClassNameIsRefusedOnEveryPath() {
        Kryo unrestricted = new Kryo();
        unrestricted.setRegistrationRequired(false);
        unrestricted.setReferences(false);
        paths().forEach((path, graph) -> {
            Output out = new Output(256, -1);
            unrestricted.writeClassAndObject(out, graph.apply(new Canary()));
            byte[] bytes = out.toBytes();
            int made = CANARIES.get();

            assertThatThrownBy(() -> receiver.deserialize(bytes, Object.class)).as(path)
                    .isInstanceOf(SerializationException.class);
            assertThat(CANARIES.get()).as("canaries made while decoding the " + path).isEqualTo(made);
        });
    }

    @Test
    void theSameGraphsDecodeWhereTheClassIsRegistered() {
        paths().forEach((path, graph) -> {
            byte[] bytes = attacker.serialize(graph.apply(new Canary()));
            assertThat(attacker.deserialize(bytes, Object.class)).as(path).isNotNull();
        });
    }
}
