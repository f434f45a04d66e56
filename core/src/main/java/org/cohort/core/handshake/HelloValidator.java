package org.cohort.core.handshake;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;

/** Checks a peer's hello against the cluster configuration. */
public final class HelloValidator {

    private final ClusterSettings settings;

    public HelloValidator(ClusterSettings settings) {
        this.settings = settings;
    }

    /**
     * @param direction who opened the stream
     * @param expectedPeer for a stream we dialed, the member we dialed; null for an accepted one
     * @param remote the socket address the stream comes from
     * @param hello the peer's hello
     * @return the member the hello names
     * @throws HelloException naming the reason for refusal
     */
    public ControllerNode validate(Direction direction, NodeId expectedPeer, SocketAddress remote, Hello hello)
            throws HelloException {
        if (!settings.clusterName().equals(hello.clusterName())) {
            throw new HelloException(HelloException.Reason.WRONG_CLUSTER, "cluster name '" + hello.clusterName() + "' is not '" + settings.clusterName() + "'");
        }
        if (hello.nodeId().equals(settings.localNodeId())) {
            throw new HelloException(HelloException.Reason.UNKNOWN_NODE, "peer claims to be this node (" + hello.nodeId() + ")");
        }
        ControllerNode member = settings.member(hello.nodeId())
                .orElseThrow(() -> new HelloException(HelloException.Reason.UNKNOWN_NODE,
                        "node " + hello.nodeId() + " is not a member"));
        if (direction == Direction.OUTBOUND && !member.id().equals(expectedPeer)) {
            throw new HelloException(HelloException.Reason.UNKNOWN_NODE, "dialed " + expectedPeer + " but " + hello.nodeId() + " answered");
        }
        if (!member.ip().equals(hello.address()) || member.tcpPort() != hello.port()) {
            throw new HelloException(HelloException.Reason.ADDRESS_MISMATCH, "node " + member.id() + " announces " + hello.address().getHostAddress() + ":"
                    + hello.port() + " but is configured at " + member.ip().getHostAddress() + ":" + member.tcpPort());
        }
        if (direction == Direction.INBOUND) {
            InetAddress source = remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null;
            if (!member.ip().equals(source)) {
                throw new HelloException(HelloException.Reason.ADDRESS_MISMATCH, "node " + member.id() + " connects from "
                        + (source == null ? remote : source.getHostAddress()) + ", not from its configured address "
                        + member.ip().getHostAddress());
            }
        }
        return member;
    }
}
