package org.cohort.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node in plain Java through the exported builder: the same keys, the same errors, the same services. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CohortNodeTest {

    private static final MessageSubject GREETING = MessageSubject.of("embed.greeting");
    private static final MessageSubject ECHO = MessageSubject.of("embed.echo");

    private final InetAddress ip1 = InProcessCluster.loopback(1);
    private final InetAddress ip2 = InProcessCluster.loopback(2);
    private final String members = "node-1@127.0.0.1:" + InProcessCluster.freePort(ip1) + ", node-2@127.0.0.2:"
            + InProcessCluster.freePort(ip2);

    private CohortNode node1;
    private CohortNode node2;

    @AfterEach
    void closeNodes() {
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
    }

    private CohortNode start(String id) {
        return CohortNode.builder().set("cluster.name", "embedded").set("node.id", id).set("members", members)
                .start();
    }

    private static List<String> cohortThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("cohort-")).sorted().toList();
    }

    @Test
    void twoEmbeddedNodesSeeEachOtherExchangeMessagesAndLeaveNoThreadBehind() throws Exception {
        assertThat(cohortThreads()).as("no cohort thread before").isEmpty();
        node1 = start("node-1");
        node2 = start("node-2");
        assertThat(node1.id()).isEqualTo(NodeId.of("node-1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> node1.cluster().members().stream()
                .allMatch(member -> member.state() == NodeState.ACTIVE));
        assertThat(node1.cluster().members()).extracting(ClusterMember::id)
                .containsExactly(NodeId.of("node-1"), NodeId.of("node-2"));

        // A one-way message through the sender service, a request through a handler (the whiteboard's way).
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Subscription greetings = node2.communication().addSubscriber(GREETING,
                bytes -> new String(bytes, StandardCharsets.UTF_8), received::add, Runnable::run);
        assertThat(node1.communication().unicast(GREETING, "hello".getBytes(StandardCharsets.UTF_8),
                NodeId.of("node-2"))).isTrue();
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        greetings.close();

        Subscription echo = node2.addHandler(ECHO, payload -> payload);
        byte[] reply = node1.communication().sendAndReceive(ECHO, new byte[] {4, 2}, NodeId.of("node-2"))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply).containsExactly(4, 2);
        assertThat(cohortThreads()).anyMatch(name -> name.startsWith("cohort-handler"));
        echo.close();
        // cluster:ping from a Karaf node reaches an embedded one too.
        assertThat(node1.communication().sendAndReceive(MessageSubject.of("cohort.ping"), new byte[] {7},
                NodeId.of("node-2")).get(10, TimeUnit.SECONDS)).containsExactly(7);

        // The node's own serialization view: registered types round-trip, and go with the node.
        node1.serialization().register(4000, Greeting.class);
        byte[] bytes = node1.serialization().serialize(new Greeting("hi"));
        assertThat(node1.serialization().deserialize(bytes, Greeting.class)).isEqualTo(new Greeting("hi"));

        // The raw sender: to this node itself, delivered locally; to a stranger, refused.
        ClusterMessage raw = new ClusterMessage(node1.id(), GREETING, new byte[] {1});
        assertThat(node1.sender().send(node1.id(), raw)).isTrue();
        assertThat(node1.sender().send(NodeId.of("stranger"), raw)).isFalse();

        BlockingQueue<ClusterEvent> events = new LinkedBlockingQueue<>();
        node1.cluster().addListener(events::add);

        node2.close();
        node2 = null;
        assertThat(events.poll(10, TimeUnit.SECONDS)).extracting(ClusterEvent::type)
                .isEqualTo(ClusterEvent.Type.DEACTIVATED);
        node1.close();
        node1.close(); // twice is fine
        node1 = null;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(cohortThreads()).as("every cohort thread stopped").isEmpty());
    }

    @Test
    void aRefusedSettingFailsWithTheLineAKarafNodeLogs() {
        assertThatThrownBy(() -> CohortNode.builder().set("node.id", "node-1")
                .set("members", "node-1@300.1.1.1:9876").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("org.cohort.cluster: members = 'node-1@300.1.1.1:9876' refused: ");
        assertThatThrownBy(() -> CohortNode.builder().config(Map.of("io.workers", "12x")).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("org.cohort.cluster: io.workers = '12x' refused: ");
        assertThat(cohortThreads()).isEmpty();
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNoThread() throws Exception {
        node1 = start("node-1");
        assertThatThrownBy(() -> start("node-1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot listen");
        node1.close();
        node1 = null;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cohortThreads()).isEmpty());
    }

    @Test
    void closeStopsTheThreadsOfHandlersStillSubscribed() throws Exception {
        node1 = start("node-1");
        node1.addHandler(ECHO, payload -> payload);
        node1.addHandler(GREETING, payload -> null);
        // A handler's thread starts with its first message: one for each, to this node itself.
        assertThat(node1.communication().sendAndReceive(ECHO, new byte[] {1}, node1.id()).get(10, TimeUnit.SECONDS))
                .containsExactly(1);
        assertThat(node1.communication().sendAndReceive(GREETING, new byte[] {2}, node1.id())
                .get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(cohortThreads()).filteredOn(name -> name.startsWith("cohort-handler")).hasSize(2);
        node1.close();
        node1 = null;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cohortThreads()).isEmpty());
    }

    /** A payload type of the embedding application. */
    record Greeting(String text) {
    }
}
