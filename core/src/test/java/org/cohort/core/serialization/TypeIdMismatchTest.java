package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.serialization.TestTypes.Alpha;
import org.cohort.core.serialization.TestTypes.Beta;
import org.cohort.core.serialization.TestTypes.Greeting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes whose bundles disagree on a type id: each node here is a runtime of its own. The wire carries
 * the id, not the sender's class, so the receiver's error names the id, the class it has under it (or
 * none) and the class its caller expected.
 */
class TypeIdMismatchTest {

    private final OwnedSerializationService nodeA =
            new OwnedSerializationService(new KryoSerialization(), "bundle on A", getClass().getClassLoader()::loadClass);
    private final OwnedSerializationService nodeB =
            new OwnedSerializationService(new KryoSerialization(), "bundle on B", getClass().getClassLoader()::loadClass);

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void anIdTheReceiverDoesNotKnowIsNamed() {
        nodeA.register(1200, Greeting.class);
        byte[] bytes = nodeA.serialize(new Greeting("hi", 1, NodeId.of("a")));

        assertThatThrownBy(() -> nodeB.deserialize(bytes, Greeting.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Greeting.class.getName())
                .hasMessageContaining("type id 1200 is not registered on this node")
                .hasMessageContaining("disagree on their type ids");
    }

    @Test
    void anIdTheReceiverHasForAnotherClassNamesBothClasses() {
        nodeA.register(1200, Greeting.class);
        nodeB.register(1200, Alpha.class);
        nodeB.register(1201, Greeting.class);
        byte[] bytes = nodeA.serialize(new Greeting("hi", 1, NodeId.of("a")));

        assertThatThrownBy(() -> nodeB.deserialize(bytes, Greeting.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Greeting.class.getName())
                .hasMessageContaining("type id 1200 is " + Alpha.class.getName() + " on this node")
                .hasMessageContaining("register different types under that id");
    }

    @Test
    void aNestedIdTheReceiverDoesNotKnowIsNamedToo() {
        nodeA.register(1300, Beta.class);
        nodeA.register(1301, Alpha.class);
        nodeB.register(1300, Beta.class);
        nodeB.register(1302, Alpha.class);
        byte[] bytes = nodeA.serialize(new Beta(7, null, java.util.List.of(new Alpha("x", 1))));

        assertThatThrownBy(() -> nodeB.deserialize(bytes, Beta.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("type id 1301 is not registered on this node");
    }
}
