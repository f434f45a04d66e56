package org.cohort.core.transport;

import java.util.Map;
import java.util.SortedMap;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;

/** Core's internal read-only view of the running cluster I/O, for the shell and JMX. */
public interface ClusterStatus {

    /** This start of the node, as its hello announces it. */
    long incarnation();

    /** The settings in force. */
    ClusterSettings settings();

    /** Node-level counters by name (see {@link TransportCounters}). */
    Map<String, Long> counters();

    /** Handshakes refused, by reason. */
    Map<String, Long> handshakesRefusedByReason();

    /** Per-peer counters for every other member, by node id. */
    SortedMap<NodeId, PeerStats> peers();

    /**
     * What became of the messages sent on each subject, to every peer: the delivery counters of
     * {@link PeerStats#delivery()} by subject.
     *
     * @return per subject, sorted; empty from a status that does not count them
     */
    default SortedMap<String, Map<String, Long>> deliveryBySubject() {
        return new java.util.TreeMap<>();
    }

    /**
     * The TLS engine the streams use ("OpenSSL engine (BoringSSL)", "JDK engine (...)"), "off", or "not
     * started".
     */
    String tlsEngine();
}
