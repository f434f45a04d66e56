package org.cohort.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void nodeIdRejectsNullWithClearMessage() {
        assertThatThrownBy(() -> NodeId.of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("node id must not be null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\tin", "slash/no", "new\nline", "ünïcode"})
    void nodeIdRejectsEmptyAndUnsafeCharacters(String bad) {
        assertThatThrownBy(() -> NodeId.of(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node id");
    }

    @Test
    void nodeIdRejectsOverlongIds() {
        assertThat(NodeId.of("n".repeat(NodeId.MAX_LENGTH)).id()).hasSize(NodeId.MAX_LENGTH);
        assertThatThrownBy(() -> NodeId.of("n".repeat(NodeId.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 128 characters");
    }

    @Test
    void nodeIdIsAValue() {
        assertThat(NodeId.of("node-1.dc:a_b")).isEqualTo(NodeId.of("node-1.dc:a_b"))
                .hasSameHashCodeAs(NodeId.of("node-1.dc:a_b"))
                .isNotEqualTo(NodeId.of("node-2"))
                .hasToString("node-1.dc:a_b");
        assertThat(NodeId.of("a")).isLessThan(NodeId.of("b"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void controllerNodeRejectsPortsOutsideRange(int port) {
        assertThatThrownBy(() -> new ControllerNode(NodeId.of("n1"), LOOPBACK, port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..65535")
                .hasMessageContaining(String.valueOf(port));
    }

    @Test
    void controllerNodeAcceptsPortBoundsAndRejectsNulls() {
        assertThat(new ControllerNode(NodeId.of("n1"), LOOPBACK, 1).tcpPort()).isEqualTo(1);
        assertThat(new ControllerNode(NodeId.of("n1"), LOOPBACK, 65535).tcpPort()).isEqualTo(65535);
        assertThatThrownBy(() -> new ControllerNode(null, LOOPBACK, 9876))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("node id");
        assertThatThrownBy(() -> new ControllerNode(NodeId.of("n1"), null, 9876))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("address");
    }

    @Test
    void controllerNodeIsAValue() throws Exception {
        ControllerNode a = new ControllerNode(NodeId.of("n1"), InetAddress.getByName("127.0.0.1"), 9876);
        ControllerNode same = new ControllerNode(NodeId.of("n1"), InetAddress.getByName("127.0.0.1"), 9876);
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).hasToString("n1@127.0.0.1:9876");
        assertThat(a).isNotEqualTo(new ControllerNode(NodeId.of("n1"), InetAddress.getByName("127.0.0.2"), 9876));
        assertThat(a).isNotEqualTo(new ControllerNode(NodeId.of("n1"), InetAddress.getByName("127.0.0.1"), 9877));
        assertThat(a).isNotEqualTo(new ControllerNode(NodeId.of("n2"), InetAddress.getByName("127.0.0.1"), 9876));
    }

    @Test
    void subjectRejectsNullEmptyAndWhitespace() {
        assertThatThrownBy(() -> MessageSubject.of(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("subject");
        assertThatThrownBy(() -> MessageSubject.of(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 255");
        assertThatThrownBy(() -> MessageSubject.of("a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> MessageSubject.of("x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MessageSubject.of("store.flows/update")).isEqualTo(MessageSubject.of("store.flows/update"))
                .hasSameHashCodeAs(MessageSubject.of("store.flows/update"))
                .hasToString("store.flows/update");
    }

    @Test
    void clusterMessageKeepsThePayloadArrayItWasHanded() {
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        ClusterMessage message = new ClusterMessage(NodeId.of("n1"), MessageSubject.of("s"), payload);
        assertThat(message.payload()).isSameAs(payload);
        assertThat(message).isEqualTo(new ClusterMessage(NodeId.of("n1"), MessageSubject.of("s"), payload.clone()))
                .hasSameHashCodeAs(new ClusterMessage(NodeId.of("n1"), MessageSubject.of("s"), payload.clone()));
        assertThat(message).isNotEqualTo(new ClusterMessage(NodeId.of("n1"), MessageSubject.of("s"), new byte[0]));
        assertThat(message.toString()).contains("n1").contains("5 bytes").doesNotContain("hello");
    }

    @Test
    void clusterMessageRejectsNulls() {
        assertThatThrownBy(() -> new ClusterMessage(null, MessageSubject.of("s"), new byte[0]))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("sender");
        assertThatThrownBy(() -> new ClusterMessage(NodeId.of("n"), null, new byte[0]))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("subject");
        assertThatThrownBy(() -> new ClusterMessage(NodeId.of("n"), MessageSubject.of("s"), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("payload");
    }
}
