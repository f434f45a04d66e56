package org.cohort.api.cluster;

import java.net.InetAddress;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/** A member of the cluster: its id and the address and TCP port its cluster listener binds. */
@ProviderType
public final class ControllerNode {

    private final NodeId id;
    private final InetAddress ip;
    private final int tcpPort;

    /**
     * Creates a cluster member.
     *
     * @param id the node's id
     * @param ip the address the node listens on for cluster streams
     * @param tcpPort the port, 1 to 65535
     * @throws NullPointerException if id or ip is null
     * @throws IllegalArgumentException if the port is out of range
     */
    public ControllerNode(NodeId id, InetAddress ip, int tcpPort) {
        this.id = Objects.requireNonNull(id, "node id must not be null");
        this.ip = Objects.requireNonNull(ip, "node address must not be null");
        if (tcpPort < 1 || tcpPort > 65535) {
            throw new IllegalArgumentException(
                    "tcp port of node " + id + " must be in 1..65535, got " + tcpPort);
        }
        this.tcpPort = tcpPort;
    }

    /**
     * Returns the node's id.
     *
     * @return the id
     */
    public NodeId id() {
        return id;
    }

    /**
     * Returns the address the node listens on.
     *
     * @return the address
     */
    public InetAddress ip() {
        return ip;
    }

    /**
     * Returns the port the node listens on.
     *
     * @return the port, 1 to 65535
     */
    public int tcpPort() {
        return tcpPort;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ControllerNode)) {
            return false;
        }
        ControllerNode that = (ControllerNode) other;
        return tcpPort == that.tcpPort && id.equals(that.id) && ip.equals(that.ip);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, ip, tcpPort);
    }

    @Override
    public String toString() {
        return id + "@" + ip.getHostAddress() + ":" + tcpPort;
    }
}
