package org.cohort.core.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.junit.jupiter.api.Test;

class HelloValidatorTest {

    private static final String CLUSTER = "test-cluster";
    private static final ControllerNode N1 = member(1);
    private static final ControllerNode N2 = member(2);
    private static final ControllerNode N3 = member(3);

    /** This node is n1; n2 and n3 are its peers. */
    private final HelloValidator validator = new HelloValidator(settings(N1.id()));

    @Test
    void acceptsAnInboundHelloFromTheMembersAddress() throws HelloException {
        ControllerNode member = validator.validate(Direction.INBOUND, null, from(N2, 51234), hello(N2));

        assertThat(member).isEqualTo(N2);
    }

    @Test
    void acceptsAnOutboundAnswerFromTheDialedMember() throws HelloException {
        // The remote of a stream we dialed is the address we dialed; it is not checked again.
        ControllerNode member = validator.validate(Direction.OUTBOUND, N3.id(), from(N3, N3.tcpPort()), hello(N3));

        assertThat(member).isEqualTo(N3);
    }

    @Test
    void refusesAnotherClusterName() {
        Hello hello = new Hello(HelloCodec.VERSION, "other-cluster", N2.id(), N2.ip(), N2.tcpPort(), 1L, Map.of());

        assertRefused(Direction.INBOUND, null, from(N2, 50000), hello,
                "cluster name 'other-cluster' is not '" + CLUSTER + "'");
    }

    @Test
    void refusesANonMember() {
        Hello hello = new Hello(HelloCodec.VERSION, CLUSTER, NodeId.of("n9"), N2.ip(), N2.tcpPort(), 1L, Map.of());

        assertRefused(Direction.INBOUND, null, from(N2, 50000), hello, "node n9 is not a member");
    }

    @Test
    void refusesThisNodesOwnId() {
        assertRefused(Direction.INBOUND, null, from(N1, 50000), hello(N1), "claims to be this node (n1)");
        assertRefused(Direction.OUTBOUND, N2.id(), from(N2, N2.tcpPort()), hello(N1), "claims to be this node");
    }

    @Test
    void refusesAnAnnouncedAddressThatDiffersFromConfig() {
        Hello wrongAddress = new Hello(HelloCodec.VERSION, CLUSTER, N2.id(), N3.ip(), N2.tcpPort(), 1L, Map.of());

        assertRefused(Direction.INBOUND, null, from(N2, 50000), wrongAddress,
                "node n2 announces 127.0.0.3:" + N2.tcpPort() + " but is configured at 127.0.0.2:" + N2.tcpPort());
    }

    @Test
    void refusesAnAnnouncedPortThatDiffersFromConfig() {
        Hello wrongPort = new Hello(HelloCodec.VERSION, CLUSTER, N2.id(), N2.ip(), N2.tcpPort() + 1, 1L, Map.of());

        assertRefused(Direction.OUTBOUND, N2.id(), from(N2, N2.tcpPort()), wrongPort,
                "announces 127.0.0.2:" + (N2.tcpPort() + 1) + " but is configured at 127.0.0.2:" + N2.tcpPort());
    }

    @Test
    void refusesAnInboundStreamFromAnotherSourceAddress() {
        InetSocketAddress elsewhere = new InetSocketAddress(loopback(9), 50000);

        assertRefused(Direction.INBOUND, null, elsewhere, hello(N2),
                "node n2 connects from 127.0.0.9, not from its configured address 127.0.0.2");
        // n3's address is a member's, but not the one n2 is configured at.
        assertRefused(Direction.INBOUND, null, from(N3, 50000), hello(N2), "connects from 127.0.0.3");
    }

    @Test
    void refusesAnInboundStreamWithoutAnInternetSourceAddress() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            SocketAddress embedded = channel.remoteAddress();

            assertRefused(Direction.INBOUND, null, embedded, hello(N2), "not from its configured address 127.0.0.2");
            assertRefused(Direction.INBOUND, null, null, hello(N2), "connects from null");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void refusesAnOutboundAnswerFromAnotherNodeThanDialed() {
        assertRefused(Direction.OUTBOUND, N2.id(), from(N3, N3.tcpPort()), hello(N3), "dialed n2 but n3 answered");
    }

    // ---- helpers ----

    private void assertRefused(Direction direction, NodeId expectedPeer, SocketAddress remote, Hello hello,
            String reason) {
        assertThatThrownBy(() -> validator.validate(direction, expectedPeer, remote, hello))
                .isInstanceOf(HelloException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((HelloException) e).isRoutine()).isFalse());
    }

    private static Hello hello(ControllerNode node) {
        return new Hello(HelloCodec.VERSION, CLUSTER, node.id(), node.ip(), node.tcpPort(), 17L, Map.of());
    }

    private static InetSocketAddress from(ControllerNode node, int port) {
        return new InetSocketAddress(node.ip(), port);
    }

    static ClusterSettings settings(NodeId local) {
        return new ClusterSettings(CLUSTER, local, List.of(N1, N2, N3), 1, Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20, 1 << 20);
    }

    static ControllerNode member(int k) {
        return new ControllerNode(NodeId.of("n" + k), loopback(k), 7000 + k);
    }

    static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
