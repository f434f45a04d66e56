package org.cohort.core.config;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.cohort.api.cluster.ControllerNode;

/**
 * Settings written back as configuration properties, keyed exactly by the {@link ClusterConfig} keys:
 * numbers as {@code Long} (or {@code Double} for the phi threshold), text as {@code String}, members in
 * the form the {@code members} key takes. So that what {@code cluster:config} prints, what the log says
 * changed, and what {@code config:property-set} takes all speak the same names.
 */
public final class SettingsProperties {

    private SettingsProperties() {
    }

    /** Every key with its value in force, in the metatype's order. */
    public static Map<String, Object> of(ClusterSettings settings) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ClusterConfig.CLUSTER_NAME, settings.clusterName());
        values.put(ClusterConfig.NODE_ID, settings.localNodeId().id());
        values.put(ClusterConfig.MEMBERS, settings.members().stream().map(SettingsProperties::member)
                .collect(Collectors.joining(",")));
        values.put(ClusterConfig.IO_WORKERS, (long) settings.ioWorkers());
        values.put(ClusterConfig.CUSTODIAN_INTERVAL_MS, settings.custodianInterval().toMillis());
        values.put(ClusterConfig.CONNECT_TIMEOUT_MS, settings.connectTimeout().toMillis());
        values.put(ClusterConfig.RECONNECT_BACKOFF_MAX_MS, settings.reconnectBackoffMax().toMillis());
        values.put(ClusterConfig.HELLO_TIMEOUT_MS, settings.helloTimeout().toMillis());
        values.put(ClusterConfig.MESSAGE_MAX_BYTES, (long) settings.maxMessageBytes());
        values.put(ClusterConfig.REASSEMBLY_MAX_BYTES, settings.maxReassemblyBytes());
        values.put(ClusterConfig.OUTBOUND_QUEUE_MAX_BYTES, settings.outboundQueueBytes());
        DeliverySettings delivery = settings.delivery();
        values.put(ClusterConfig.DELIVERY_RESEND_MAX_BYTES, delivery.resendMaxBytes());
        values.put(ClusterConfig.DELIVERY_WINDOW_MESSAGES, (long) delivery.windowMessages());
        values.put(ClusterConfig.DELIVERY_WINDOW_BYTES, delivery.windowBytes());
        values.put(ClusterConfig.DELIVERY_LINGER_MS, delivery.linger().toMillis());
        values.put(ClusterConfig.DELIVERY_AT_MOST_ONCE_SUBJECTS, delivery.atMostOnceSubjects().stream()
                .map(subject -> subject.value()).sorted().collect(Collectors.joining(",")));
        FailureDetectionSettings failure = settings.failureDetection();
        values.put(ClusterConfig.HEARTBEAT_INTERVAL_MS, failure.heartbeatInterval().toMillis());
        values.put(ClusterConfig.FAILURE_PHI_THRESHOLD, failure.phiThreshold());
        values.put(ClusterConfig.FAILURE_MIN_STDDEV_MS, failure.minStdDeviation().toMillis());
        values.put(ClusterConfig.FAILURE_ACCEPTABLE_PAUSE_MS, failure.acceptablePause().toMillis());
        values.put(ClusterConfig.LEAVE_TIMEOUT_MS, settings.leaveTimeout().toMillis());
        values.put(ClusterConfig.CLUSTER_SECRET, settings.secret().isSet() ? "********" : "");
        TlsSettings tls = settings.tls();
        values.put(ClusterConfig.TLS_ENABLED, tls.enabled());
        values.put(ClusterConfig.TLS_KEYSTORE, tls.enabled() ? tls.keyStore().toString() : "");
        values.put(ClusterConfig.TLS_KEYSTORE_PASSWORD, tls.keyStorePassword().isEmpty() ? "" : "********");
        values.put(ClusterConfig.TLS_TRUSTSTORE, tls.enabled() ? tls.trustStore().toString() : "");
        values.put(ClusterConfig.TLS_TRUSTSTORE_PASSWORD, tls.trustStorePassword().isEmpty() ? "" : "********");
        values.put(ClusterConfig.TLS_ENGINE, tls.engine().name().toLowerCase(java.util.Locale.ROOT));
        return values;
    }

    /** One member as the {@code members} key writes it: {@code id@ip:port}, IPv6 in brackets. */
    public static String member(ControllerNode node) {
        String ip = node.ip().getHostAddress();
        return node.id() + "@" + (node.ip() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + node.tcpPort();
    }

    /**
     * What differs from one configuration to the next, for the log: {@code members +a@...:1 -b@...:2;
     * heartbeat.interval.ms 100 -> 200}. Empty if nothing differs.
     */
    public static String describeChange(ClusterSettings previous, ClusterSettings next) {
        List<String> changes = new ArrayList<>();
        List<ControllerNode> added = new ArrayList<>(next.members());
        added.removeAll(previous.members());
        List<ControllerNode> removed = new ArrayList<>(previous.members());
        removed.removeAll(next.members());
        if (!added.isEmpty() || !removed.isEmpty()) {
            changes.add(ClusterConfig.MEMBERS + " " + added.stream().map(node -> "+" + member(node))
                    .collect(Collectors.joining(" ")) + (added.isEmpty() || removed.isEmpty() ? "" : " ")
                    + removed.stream().map(node -> "-" + member(node)).collect(Collectors.joining(" ")));
        }
        Map<String, Object> before = of(previous);
        of(next).forEach((key, value) -> {
            if (!key.equals(ClusterConfig.MEMBERS) && !Objects.equals(before.get(key), value)) {
                changes.add(key + " " + before.get(key) + " -> " + value);
            }
        });
        if (!previous.secret().equals(next.secret())) {
            changes.add(ClusterConfig.CLUSTER_SECRET + " changed");
        }
        return String.join("; ", changes);
    }
}
