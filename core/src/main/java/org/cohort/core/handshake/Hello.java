package org.cohort.core.handshake;

import java.net.InetAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.cohort.api.cluster.NodeId;

/**
 * The first frame each side of a stream sends: who it is and which cluster it belongs to.
 *
 * @param version the wire protocol version the sender speaks
 * @param clusterName the sender's cluster name
 * @param nodeId the sender's node id
 * @param address the address the sender's listener binds
 * @param port the port the sender's listener binds
 * @param incarnation new at every start of the sender; a different value means the node restarted
 * @param extensions named fields later protocol features add (authentication, ...) without a new
 *     version; receivers ignore names they do not know
 */
public record Hello(int version, String clusterName, NodeId nodeId, InetAddress address, int port,
        long incarnation, Map<String, byte[]> extensions) {

    public Hello {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(address, "address");
        // Sorted by name, so that the wire form is the same on every run (Map.copyOf alone iterates in an
        // order that changes from one JVM to the next); copyOf still refuses null names and values.
        extensions = Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(extensions)));
    }

    @Override
    public String toString() {
        return "Hello{v" + version + ", cluster=" + clusterName + ", node=" + nodeId + "@"
                + address.getHostAddress() + ":" + port + ", incarnation=" + incarnation
                + ", extensions=" + extensions.keySet() + "}";
    }
}
