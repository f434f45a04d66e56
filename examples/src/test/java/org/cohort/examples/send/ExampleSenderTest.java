package org.cohort.examples.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.embed.CohortNode;
import org.cohort.examples.message.ExampleCodec;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.receive.EchoResponder;
import org.cohort.examples.receive.MessageLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example bundle end to end on three real Cohort nodes in this JVM (node K on 127.0.0.K, free ports),
 * each wired as DS wires the bundle in Karaf: ExampleCodec on the node's serialization, ExampleSender,
 * and the whiteboard handlers subscribed with {@link CohortNode#addHandler}. No fakes and no sleeps:
 * Awaitility waits for what the network delivers, and every node is closed after each test.
 *
 * <p>Copy this test to test your own sibling bundle: start the nodes, wire your components on them, and
 * assert what the other nodes receive.
 */
class ExampleSenderTest {

    private static final NodeId NODE_1 = NodeId.of("node-1");
    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final NodeId NODE_3 = NodeId.of("node-3");
    /** Generous: the build machine may be loaded. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<ExampleNode> nodes = new ArrayList<>();
    private ExampleNode node1;
    private ExampleNode node2;
    private ExampleNode node3;

    @BeforeEach
    void startThreeNodes() {
        String members = member(1) + ", " + member(2) + ", " + member(3);
        node1 = startNode(1, members, true);
        node2 = startNode(2, members, true);
        // Node 3 has no EchoResponder, as a node where the bundle does not answer requests.
        node3 = startNode(3, members, false);
        await().atMost(TIMEOUT).until(() -> nodes.stream().allMatch(ExampleNode::seesEveryMemberActive));
    }

    @AfterEach
    void closeEveryNode() {
        nodes.forEach(ExampleNode::close);
    }

    @Test
    void theTypeIsRegisteredInTheSiblingRangeAndRoundTrips() {
        assertThat(node1.node.serialization().registeredTypes()).containsEntry(ExampleMessage.TYPE_ID,
                ExampleMessage.class.getName());
        assertThat(ExampleMessage.TYPE_ID).isBetween(SerializationService.FIRST_APPLICATION_TYPE_ID,
                SerializationService.LAST_APPLICATION_TYPE_ID);
        ExampleMessage message = new ExampleMessage("node-1", 7, "hello wörld");
        assertThat(node1.codec.decode(node1.codec.encode(message))).isEqualTo(message);
        assertThatThrownBy(() -> node1.codec.decode(new byte[] {1, 2, 3})).isInstanceOf(SerializationException.class);
    }

    @Test
    void aMalformedMessageIsRefusedOnBothSides() {
        assertThatThrownBy(() -> new ExampleMessage("not a node id", 1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExampleMessage("node-1", 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExampleMessage("node-1", 1, "x".repeat(ExampleMessage.MAX_TEXT_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendsAndBroadcastsNumberedMessagesFromThisNode() {
        ExampleSender.Sent first = node1.sender.send(NODE_2, "hello");
        ExampleSender.Sent second = node1.sender.broadcast("hi all");

        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        // Messages from one sender on one subject arrive in the order sent.
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node2.logged()).containsExactly(
                new ExampleMessage("node-1", 1, "hello"), new ExampleMessage("node-1", 2, "hi all")));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node3.logged()).containsExactly(
                new ExampleMessage("node-1", 2, "hi all")));
        assertThat(node2.loggedPayloads.get(0)).hasSize(first.bytes());
        assertThat(node2.loggedSenders).containsExactly(NODE_1, NODE_1);
        assertThat(node1.logged()).isEmpty(); // a broadcast goes to the other members only
        assertThat(node1.sender.activeOtherMembers()).containsExactly(NODE_2, NODE_3);
    }

    @Test
    void aRefusedSendSaysWhy() {
        node3.close();
        await().atMost(TIMEOUT).until(() -> node1.stateOf(NODE_3) == NodeState.INACTIVE);

        assertThatThrownBy(() -> node1.sender.send(NODE_3, "hello")).isInstanceOf(IllegalStateException.class)
                .hasMessage("refused by node-1: NO_STREAM (node-3 is INACTIVE: there is no stream to it)");
        assertThat(node1.sender.activeOtherMembers()).containsExactly(NODE_2);
    }

    @Test
    void aRequestGetsTheEchoFromTheAnsweringNode() throws Exception {
        ExampleMessage reply = node1.sender.request(NODE_2, "ping", TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reply).isEqualTo(new ExampleMessage("node-2", 1, "ping"));
    }

    @Test
    void aRequestToANodeWithoutTheHandlerFailsWithTheReason() {
        assertThatThrownBy(() -> node1.sender.request(NODE_3, "ping", TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoRemoteHandlerException.class);
    }

    /** Starts node K with the example bundle on it; {@link #closeEveryNode} closes it. */
    private ExampleNode startNode(int k, String members, boolean answersRequests) {
        ExampleNode node = new ExampleNode(k, members, answersRequests);
        nodes.add(node);
        return node;
    }

    /** Node K's entry in {@code members}: loopback address 127.0.0.K, a port free now. */
    private static String member(int k) {
        try {
            InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
            try (ServerSocket socket = new ServerSocket(0, 1, address)) {
                return "node-" + k + "@" + address.getHostAddress() + ":" + socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One running node with the example bundle's components on it, wired as DS wires them in Karaf. */
    private static final class ExampleNode implements AutoCloseable {

        final CohortNode node;
        final ExampleCodec codec;
        final ExampleSender sender;
        /** What this node's MessageLogger was handed, in order. */
        final List<byte[]> loggedPayloads = new CopyOnWriteArrayList<>();
        /** Who sent each of them, as Cohort said. */
        final List<NodeId> loggedSenders = new CopyOnWriteArrayList<>();

        ExampleNode(int k, String members, boolean answersRequests) {
            node = CohortNode.builder() // the keys of etc/org.cohort.cluster.cfg
                    .set("cluster.name", "example-test")
                    .set("node.id", "node-" + k)
                    .set("members", members)
                    .set("io.workers", 1)
                    // A loaded build machine may starve a node for a second: do not take that for a dead peer.
                    .set("failure.acceptable.pause.ms", 5000)
                    .start();
            // The codec first: it registers ExampleMessage, and the others reference it.
            codec = new ExampleCodec(node.serialization());
            sender = new ExampleSender(node.communication(), node.cluster(), codec);
            // The whiteboard handlers, subscribed as Cohort subscribes a published MessageHandler service.
            // MessageLogger only logs: the test records what it was handed on the way in, and by whom.
            MessageLogger logger = new MessageLogger(codec);
            node.addHandler(ExampleSubjects.MESSAGE_SUBJECT, new MessageHandler() {
                @Override
                public byte[] handle(byte[] payload) {
                    throw new AssertionError("Cohort tells a handler the sender");
                }

                @Override
                public byte[] handle(NodeId sender, byte[] payload) {
                    loggedPayloads.add(payload.clone());
                    loggedSenders.add(sender);
                    return logger.handle(sender, payload);
                }
            });
            if (answersRequests) {
                node.addHandler(ExampleSubjects.ECHO_SUBJECT, new EchoResponder(codec, node.cluster()));
            }
        }

        /** @return the messages this node's MessageLogger logged, decoded */
        List<ExampleMessage> logged() {
            return loggedPayloads.stream().map(codec::decode).toList();
        }

        NodeState stateOf(NodeId id) {
            return node.cluster().member(id).map(ClusterMember::state).orElseThrow();
        }

        boolean seesEveryMemberActive() {
            return node.cluster().members().stream()
                    .allMatch(member -> member.isLocal() || member.state() == NodeState.ACTIVE);
        }

        /** Stops the node and every thread it started; closing it again does nothing. */
        @Override
        public void close() {
            node.close();
        }
    }
}
