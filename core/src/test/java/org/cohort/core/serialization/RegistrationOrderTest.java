package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.serialization.TestTypes.Alpha;
import org.cohort.core.serialization.TestTypes.Beta;
import org.junit.jupiter.api.Test;

/** Two nodes whose bundles registered in different orders must still agree on every byte. */
class RegistrationOrderTest {

    private static OwnedSerializationService node(String owner) {
        return new OwnedSerializationService(new KryoSerialization(), owner,
                RegistrationOrderTest.class.getClassLoader()::loadClass);
    }

    private static HashMap<String, Object> graph() {
        Alpha a1 = new Alpha("first", 1);
        Alpha a2 = new Alpha("zweite ü", -2);
        Beta beta = new Beta(99L, a1, new ArrayList<>(List.of(a2, "text", 3, NodeId.of("node-3"))));
        HashMap<String, Object> graph = new HashMap<>();
        graph.put("beta", beta);
        graph.put("alpha", a2);
        graph.put("list", new ArrayList<>(List.of(beta, a1, new Beta(0L, null, new ArrayList<>()))));
        return graph;
    }

    @Test
    void registrationOrderDoesNotChangeTheBytes() {
        OwnedSerializationService nodeOne = node("node-one-bundle");
        nodeOne.register(1000, Alpha.class);
        nodeOne.register(1001, Beta.class);
        OwnedSerializationService nodeTwo = node("node-two-bundle");
        nodeTwo.register(1001, Beta.class);
        nodeTwo.register(1000, Alpha.class);
        HashMap<String, Object> graph = graph();

        byte[] fromOne = nodeOne.serialize(graph);
        byte[] fromTwo = nodeTwo.serialize(graph);

        assertThat(fromOne).isEqualTo(fromTwo);
        assertThat((Map<?, ?>) nodeTwo.deserialize(fromOne, HashMap.class)).isEqualTo(graph);
        assertThat((Map<?, ?>) nodeOne.deserialize(fromTwo, HashMap.class)).isEqualTo(graph);
        assertThat(nodeOne.registeredTypes()).isEqualTo(nodeTwo.registeredTypes());
    }

    @Test
    void reRegisteringOnOneNodeKeepsItCompatible() {
        OwnedSerializationService nodeOne = node("node-one-bundle");
        nodeOne.register(1000, Alpha.class);
        nodeOne.register(1001, Beta.class);
        OwnedSerializationService nodeTwo = node("node-two-bundle");
        nodeTwo.register(1000, Alpha.class).close();
        nodeTwo.register(1001, Beta.class);
        nodeTwo.register(1000, Alpha.class);
        HashMap<String, Object> graph = graph();

        assertThat(nodeTwo.serialize(graph)).isEqualTo(nodeOne.serialize(graph));
        assertThat((Map<?, ?>) nodeTwo.deserialize(nodeOne.serialize(graph), HashMap.class)).isEqualTo(graph);
    }
}
