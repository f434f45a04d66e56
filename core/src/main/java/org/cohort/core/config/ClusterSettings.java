package org.cohort.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/**
 * One validated, immutable snapshot of the cluster configuration (PID {@code org.cohort.cluster}).
 * Every component reads its settings from here, never from raw config properties.
 *
 * @param clusterName the name every member's hello must carry
 * @param localNodeId this node's id; always one of {@code members}
 * @param members every member, this node included, sorted by id
 * @param ioWorkers how many IO worker threads serve the streams
 * @param custodianInterval how often the custodian looks for members without a stream
 * @param connectTimeout how long one dial may take
 * @param reconnectBackoffMax the longest wait before redialing a failing member
 * @param helloTimeout how long a new stream may take to complete its hello
 * @param maxMessageBytes the largest message envelope accepted or sent
 * @param maxReassemblyBytes how many bytes of partly received chunked messages one stream may hold
 * @param outboundQueueBytes how many bytes may wait unsent on one stream before sends are refused
 * @param failureDetection heartbeats and the failure detector
 * @param secret the shared secret that authenticates members, or {@link ClusterSecret#NONE}
 * @param tls mutual TLS between members, or {@link TlsSettings#DISABLED}
 * @param delivery credit, resend and linger bounds, and the subjects sent at most once
 * @param leaveTimeout how long stopping may take to leave gracefully: drain, wait for acks, say goodbye and
 *     let the peers close
 */
public record ClusterSettings(
        String clusterName,
        NodeId localNodeId,
        List<ControllerNode> members,
        int ioWorkers,
        Duration custodianInterval,
        Duration connectTimeout,
        Duration reconnectBackoffMax,
        Duration helloTimeout,
        int maxMessageBytes,
        long maxReassemblyBytes,
        long outboundQueueBytes,
        FailureDetectionSettings failureDetection,
        ClusterSecret secret,
        TlsSettings tls,
        DeliverySettings delivery,
        Duration leaveTimeout) {

    public ClusterSettings {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(leaveTimeout, "leaveTimeout");
        if (leaveTimeout.isNegative()) {
            throw new IllegalArgumentException("negative leave timeout " + leaveTimeout);
        }
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(localNodeId, "localNodeId");
        members = List.copyOf(members);
        Objects.requireNonNull(custodianInterval, "custodianInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
        Objects.requireNonNull(helloTimeout, "helloTimeout");
        Objects.requireNonNull(failureDetection, "failureDetection");
        NodeId local = localNodeId;
        if (members.stream().noneMatch(member -> member.id().equals(local))) {
            throw new IllegalArgumentException("local node " + localNodeId + " is not a member");
        }
    }

    /** Settings with the default delivery settings and leave timeout. */
    public ClusterSettings(String clusterName, NodeId localNodeId, List<ControllerNode> members, int ioWorkers,
            Duration custodianInterval, Duration connectTimeout, Duration reconnectBackoffMax, Duration helloTimeout,
            int maxMessageBytes, long maxReassemblyBytes, long outboundQueueBytes,
            FailureDetectionSettings failureDetection, ClusterSecret secret, TlsSettings tls) {
        this(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout, reconnectBackoffMax,
                helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes, failureDetection, secret, tls,
                DeliverySettings.DEFAULTS, Duration.ofMillis(ClusterConfig.DEFAULT_LEAVE_TIMEOUT_MS));
    }

    /** Settings with the default failure detection and reassembly limit. */
    public ClusterSettings(String clusterName, NodeId localNodeId, List<ControllerNode> members, int ioWorkers,
            Duration custodianInterval, Duration connectTimeout, Duration reconnectBackoffMax, Duration helloTimeout,
            int maxMessageBytes, long outboundQueueBytes) {
        this(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout, reconnectBackoffMax,
                helloTimeout, maxMessageBytes, outboundQueueBytes, FailureDetectionSettings.DEFAULTS);
    }

    /** Settings with the default reassembly limit, or the largest message if that is larger. */
    public ClusterSettings(String clusterName, NodeId localNodeId, List<ControllerNode> members, int ioWorkers,
            Duration custodianInterval, Duration connectTimeout, Duration reconnectBackoffMax, Duration helloTimeout,
            int maxMessageBytes, long outboundQueueBytes, FailureDetectionSettings failureDetection) {
        this(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout, reconnectBackoffMax,
                helloTimeout, maxMessageBytes, Math.max(ClusterConfig.DEFAULT_REASSEMBLY_MAX_BYTES, maxMessageBytes),
                outboundQueueBytes, failureDetection, ClusterSecret.NONE, TlsSettings.DISABLED);
    }

    /** Settings without a cluster secret. */
    public ClusterSettings(String clusterName, NodeId localNodeId, List<ControllerNode> members, int ioWorkers,
            Duration custodianInterval, Duration connectTimeout, Duration reconnectBackoffMax, Duration helloTimeout,
            int maxMessageBytes, long maxReassemblyBytes, long outboundQueueBytes,
            FailureDetectionSettings failureDetection) {
        this(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout, reconnectBackoffMax,
                helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes, failureDetection,
                ClusterSecret.NONE, TlsSettings.DISABLED);
    }

    /** The same settings with another secret. */
    public ClusterSettings withSecret(ClusterSecret newSecret) {
        return new ClusterSettings(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout,
                reconnectBackoffMax, helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes,
                failureDetection, newSecret, tls, delivery, leaveTimeout);
    }

    /** The same settings with other TLS settings. */
    public ClusterSettings withTls(TlsSettings newTls) {
        return new ClusterSettings(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout,
                reconnectBackoffMax, helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes,
                failureDetection, secret, newTls, delivery, leaveTimeout);
    }

    /** The same settings with other delivery settings. */
    public ClusterSettings withDelivery(DeliverySettings newDelivery) {
        return new ClusterSettings(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout,
                reconnectBackoffMax, helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes,
                failureDetection, secret, tls, newDelivery, leaveTimeout);
    }

    /** The same settings with another leave timeout. */
    public ClusterSettings withLeaveTimeout(Duration newLeaveTimeout) {
        return new ClusterSettings(clusterName, localNodeId, members, ioWorkers, custodianInterval, connectTimeout,
                reconnectBackoffMax, helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes,
                failureDetection, secret, tls, delivery, newLeaveTimeout);
    }

    /**
     * Returns the settings of an empty configuration: every key at its {@link ClusterConfig} default, a
     * one-node cluster {@code node-1@127.0.0.1:9876}.
     *
     * @return the default settings
     */
    public static ClusterSettings defaults() {
        try {
            return ClusterSettingsParser.parse(Map.of());
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException("the built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    /** Returns the member with the given id, if it is one. */
    public Optional<ControllerNode> member(NodeId id) {
        for (ControllerNode member : members) {
            if (member.id().equals(id)) {
                return Optional.of(member);
            }
        }
        return Optional.empty();
    }

    /** Returns this node as a member. */
    public ControllerNode localNode() {
        return member(localNodeId).orElseThrow();
    }
}
