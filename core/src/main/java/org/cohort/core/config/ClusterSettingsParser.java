package org.cohort.core.config;

import static org.cohort.core.config.ClusterConfig.CLUSTER_NAME;
import static org.cohort.core.config.ClusterConfig.HEARTBEAT_INTERVAL_MS;
import static org.cohort.core.config.ClusterConfig.MESSAGE_MAX_BYTES;
import static org.cohort.core.config.ClusterConfig.NODE_ID;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.osgi.util.converter.Converters;

/**
 * Turns the properties of PID {@value ClusterConfig#PID} (as ConfigAdmin hands them over, or as read from
 * {@code etc/org.cohort.cluster.cfg}) into a validated {@link ClusterSettings}, or refuses them naming the first
 * offending key and its value. Plain Java: the OSGi component and an embedded node read the configuration
 * alike.
 *
 * <p>First every value is checked against its attribute's type and range ({@link RawValues}); the checked
 * values are then read through {@link ClusterConfig} with the OSGi Converter, which supplies the defaults of
 * the keys not set; last come what the metatype cannot say: the name and member grammars and the rules
 * across keys.
 */
public final class ClusterSettingsParser {

    private static final Pattern CLUSTER_NAME_ALPHABET = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MIN_SECRET_LENGTH = 16;
    private static final int MAX_SECRET_LENGTH = 1024;

    private ClusterSettingsParser() {
    }

    /**
     * Validates configuration properties.
     *
     * @param properties the properties as ConfigAdmin or Declarative Services hands them over: text (a
     *     {@code .cfg} file) or typed values; unknown keys are ignored
     * @return the settings, members sorted by id
     * @throws InvalidConfigurationException naming the first refused key, its value and why
     */
    public static ClusterSettings parse(Map<String, ?> properties) throws InvalidConfigurationException {
        RawValues raw = new RawValues(Objects.requireNonNull(properties, "properties"));
        ClusterConfig config = Converters.standardConverter().convert(raw.checked()).to(ClusterConfig.class);

        String clusterName = config.cluster_name();
        if (clusterName.isEmpty() || clusterName.length() > 64) {
            throw refused(raw, CLUSTER_NAME, "must have 1 to 64 characters, has " + clusterName.length());
        }
        if (!CLUSTER_NAME_ALPHABET.matcher(clusterName).matches()) {
            throw refused(raw, CLUSTER_NAME, "may hold only letters, digits, '.', '_' and '-'");
        }
        NodeId localNodeId;
        try {
            localNodeId = NodeId.of(config.node_id());
        } catch (IllegalArgumentException e) {
            throw refused(raw, NODE_ID, e.getMessage());
        }
        List<ControllerNode> members = MemberList.parse(config.members(), raw.rendered(ClusterConfig.MEMBERS));
        if (members.stream().noneMatch(member -> member.id().equals(localNodeId))) {
            throw notSet(raw, NODE_ID, localNodeId.id(), "it is not one of the members ("
                    + members.stream().map(m -> m.id().id()).collect(Collectors.joining(", ")) + ")",
                    "; node.id is not set, so it is the default " + localNodeId);
        }
        // A largest message that could never be queued or reassembled would be refused on every send.
        String atLeastMessage = "must be at least " + MESSAGE_MAX_BYTES + " (" + config.message_max_bytes() + " bytes)";
        if (config.reassembly_max_bytes() < config.message_max_bytes()) {
            throw notSet(raw, ClusterConfig.REASSEMBLY_MAX_BYTES, Long.toString(config.reassembly_max_bytes()),
                    atLeastMessage, "; " + ClusterConfig.REASSEMBLY_MAX_BYTES + " is not set, so it is the default");
        }
        if (config.outbound_queue_max_bytes() < config.message_max_bytes()) {
            throw notSet(raw, ClusterConfig.OUTBOUND_QUEUE_MAX_BYTES, Long.toString(config.outbound_queue_max_bytes()),
                    atLeastMessage, "; " + ClusterConfig.OUTBOUND_QUEUE_MAX_BYTES + " is not set, so it is the default");
        }
        if (config.delivery_resend_max_bytes() < config.message_max_bytes()) {
            throw notSet(raw, ClusterConfig.DELIVERY_RESEND_MAX_BYTES, Long.toString(config.delivery_resend_max_bytes()),
                    atLeastMessage, "; " + ClusterConfig.DELIVERY_RESEND_MAX_BYTES + " is not set, so it is the default");
        }
        if (config.heartbeat_interval_ms() >= config.hello_timeout_ms()) {
            throw notSet(raw, HEARTBEAT_INTERVAL_MS, Integer.toString(config.heartbeat_interval_ms()),
                    "must be shorter than " + ClusterConfig.HELLO_TIMEOUT_MS + " (" + config.hello_timeout_ms() + " ms)",
                    "; " + HEARTBEAT_INTERVAL_MS + " is not set, so it is the default " + config.heartbeat_interval_ms());
        }
        String secret = config.cluster_secret();
        if (!secret.isEmpty() && (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH)) {
            // The refusal names the key but never echoes the secret.
            throw new InvalidConfigurationException(ClusterConfig.CLUSTER_SECRET, "********", "must have "
                    + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters, has " + secret.length());
        }
        return new ClusterSettings(clusterName, localNodeId, members, config.io_workers(),
                millis(config.custodian_interval_ms()), millis(config.connect_timeout_ms()),
                millis(config.reconnect_backoff_max_ms()), millis(config.hello_timeout_ms()),
                config.message_max_bytes(), config.reassembly_max_bytes(), config.outbound_queue_max_bytes(),
                FailureDetectionSettings.of(config), ClusterSecret.of(secret), tls(config), delivery(raw, config),
                millis(config.leave_timeout_ms()));
    }

    private static DeliverySettings delivery(RawValues raw, ClusterConfig config) throws InvalidConfigurationException {
        Set<MessageSubject> atMostOnce = new LinkedHashSet<>();
        for (String name : config.delivery_at_most_once_subjects().split(",")) {
            if (name.isBlank()) {
                continue;
            }
            try {
                atMostOnce.add(MessageSubject.of(name.strip()));
            } catch (IllegalArgumentException e) {
                throw refused(raw, ClusterConfig.DELIVERY_AT_MOST_ONCE_SUBJECTS, e.getMessage());
            }
        }
        return new DeliverySettings(config.delivery_window_messages(), config.delivery_window_bytes(),
                config.delivery_resend_max_bytes(), millis(config.delivery_linger_ms()), atMostOnce);
    }

    /**
     * Validates configuration properties read from a {@code .cfg} file.
     *
     * @param properties the properties, as {@link Properties#load(java.io.Reader)} reads the file
     * @return the settings, members sorted by id
     * @throws InvalidConfigurationException naming the first refused key, its value and why
     */
    public static ClusterSettings parse(Properties properties) throws InvalidConfigurationException {
        Map<String, Object> values = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
        return parse(values);
    }

    /** The settings of a configuration with every key at its default. */
    static ClusterConfig defaults() {
        return Converters.standardConverter().convert(Map.of()).to(ClusterConfig.class);
    }

    private static TlsSettings tls(ClusterConfig config) throws InvalidConfigurationException {
        if (!config.tls_enabled()) {
            return TlsSettings.DISABLED;
        }
        if (config.tls_keystore().isEmpty()) {
            throw new InvalidConfigurationException(ClusterConfig.TLS_KEYSTORE, "",
                    "must name this node's key store when tls.enabled is true");
        }
        if (config.tls_truststore().isEmpty()) {
            throw new InvalidConfigurationException(ClusterConfig.TLS_TRUSTSTORE, "",
                    "must name the trust store when tls.enabled is true");
        }
        return new TlsSettings(true, Path.of(config.tls_keystore()), config.tls_keystore_password(),
                Path.of(config.tls_truststore()), config.tls_truststore_password(), engine(config.tls_engine()));
    }

    private static TlsSettings.Engine engine(String value) throws InvalidConfigurationException {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> TlsSettings.Engine.AUTO;
            case "jdk" -> TlsSettings.Engine.JDK;
            case "openssl" -> TlsSettings.Engine.OPENSSL;
            default -> throw new InvalidConfigurationException(ClusterConfig.TLS_ENGINE, value,
                    "must be auto, jdk or openssl");
        };
    }

    private static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }

    private static InvalidConfigurationException refused(RawValues raw, String key, String reason) {
        return new InvalidConfigurationException(key, raw.rendered(key), reason);
    }

    /** A refusal of a rule across keys, saying so when the refused key is not set and took its default. */
    private static InvalidConfigurationException notSet(RawValues raw, String key, String defaultValue,
            String reason, String whenNotSet) {
        return raw.get(key) == null ? new InvalidConfigurationException(key, defaultValue, reason + whenNotSet)
                : refused(raw, key, reason);
    }
}
