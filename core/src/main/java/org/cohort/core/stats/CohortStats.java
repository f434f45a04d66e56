package org.cohort.core.stats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.messaging.DispatchCounters;
import org.cohort.core.messaging.SubjectStats;
import org.cohort.core.transport.PeerStats;

/**
 * The figures of the running cluster I/O, read-only, in one place: what the {@code cluster:} commands
 * print and the MBeans show, where the API has nothing to say (counters, per-peer traffic, subject
 * backlogs, the last round trips). Every method returns a snapshot and changes nothing.
 *
 * <p>Core-internal on purpose: these figures follow the implementation (a new counter is a new key),
 * and siblings get them through JMX or the shell's JSON, not as a Java API.
 */
public interface CohortStats {

    /** @return the settings in force */
    ClusterSettings settings();

    /** @return this start of the node, as its hello announces it */
    long incarnation();

    /**
     * @return the TLS engine the streams use ("OpenSSL engine (BoringSSL)", "JDK engine (...)"), "off", or
     *     "not started"
     */
    String tlsEngine();

    /** @return node-level transport counters by name, in a stable order */
    Map<String, Long> counters();

    /** @return handshakes refused, by reason */
    Map<String, Long> handshakesRefusedByReason();

    /** @return per-peer counters for every other member, by node id */
    SortedMap<NodeId, PeerStats> peers();

    /**
     * @return what became of the messages sent on each subject, to every peer (the delivery counters of
     *     {@link PeerStats#delivery()}), sorted by subject; empty where nobody counts them
     */
    default SortedMap<String, Map<String, Long>> deliveryBySubject() {
        return new java.util.TreeMap<>();
    }

    /** @return every member with what this node believes of it, this node included, sorted by id */
    List<MemberState> members();

    /**
     * @param id a node id
     * @return what this node believes of that member, or empty if it is not one
     */
    Optional<MemberState> member(NodeId id);

    /** @return the dispatch counters of incoming messages */
    DispatchCounters dispatch();

    /** @return every subject with a local subscriber, with its backlog and counters, sorted by subject */
    List<SubjectStats> subjects();

    /**
     * @param id a node id
     * @return the last round trip {@code cluster:ping} measured to it, or empty before any
     */
    Optional<Duration> lastRoundTrip(NodeId id);
}
