package org.cohort.core.config;

import static org.cohort.core.config.ClusterConfig.CLUSTER_NAME;
import static org.cohort.core.config.ClusterConfig.CLUSTER_NAME_MAX_LENGTH;
import static org.cohort.core.config.ClusterConfig.CONNECT_TIMEOUT_MS;
import static org.cohort.core.config.ClusterConfig.CUSTODIAN_INTERVAL_MS;
import static org.cohort.core.config.ClusterConfig.FAILURE_ACCEPTABLE_PAUSE_MS;
import static org.cohort.core.config.ClusterConfig.FAILURE_MIN_STDDEV_MS;
import static org.cohort.core.config.ClusterConfig.FAILURE_PHI_THRESHOLD;
import static org.cohort.core.config.ClusterConfig.MESSAGE_MAX_BYTES;
import static org.cohort.core.config.ClusterConfig.HEARTBEAT_INTERVAL_MS;
import static org.cohort.core.config.ClusterConfig.HELLO_TIMEOUT_MS;
import static org.cohort.core.config.ClusterConfig.IO_WORKERS;
import static org.cohort.core.config.ClusterConfig.MEMBERS;
import static org.cohort.core.config.ClusterConfig.NODE_ID;
import static org.cohort.core.config.ClusterConfig.OUTBOUND_QUEUE_MAX_BYTES;
import static org.cohort.core.config.ClusterConfig.REASSEMBLY_MAX_BYTES;
import static org.cohort.core.config.ClusterConfig.RECONNECT_BACKOFF_MAX_MS;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/**
 * Turns the raw ConfigAdmin properties of PID {@value ClusterConfig#PID} into a validated
 * {@link ClusterSettings}, or refuses them naming the first offending key and its value.
 *
 * <p>It reads the raw properties on purpose: values arrive as {@code String} from a {@code .cfg} file or
 * typed ({@code Integer}, {@code Long}, ...) from the web console or a {@code .config} file, and an
 * unparseable number must be refused, not turned into 0 the way Declarative Services converts it. A
 * missing key takes its default from {@link ClusterConfig}; keys it does not know ({@code service.pid},
 * {@code felix.fileinstall.filename}, {@code component.*}, {@code *.target}, ...) are ignored. Keys are
 * matched ignoring case, as ConfigAdmin does; text values are stripped of surrounding whitespace, which
 * a {@code .cfg} file keeps at the end of a line.
 *
 * <p>Member addresses must be IP literals. They are parsed here, by pattern, into bytes: no host name is
 * ever resolved, so reading the configuration never waits on DNS.
 */
public final class ClusterSettingsParser {

    private static final Pattern CLUSTER_NAME_ALPHABET = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    /** Plain decimal notation, as BigDecimal reads it: no NaN, Infinity, hex, 'd'/'f' suffix or '_'. */
    private static final Pattern DECIMAL_NUMBER =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?");
    private static final Pattern PORT = Pattern.compile("[0-9]+");
    private static final Pattern IPV4 =
            Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[A-Za-z].*");

    private ClusterSettingsParser() {
    }

    /**
     * Validates the raw configuration properties.
     *
     * @param properties the properties as ConfigAdmin or Declarative Services hands them over
     * @return the settings, members sorted by id
     * @throws InvalidConfigurationException naming the first refused key, its value and why
     */
    public static ClusterSettings parse(Map<String, ?> properties) throws InvalidConfigurationException {
        Objects.requireNonNull(properties, "properties");
        String clusterName = clusterName(properties);
        NodeId localNodeId = localNodeId(properties);
        List<ControllerNode> members = members(properties);
        if (members.stream().noneMatch(member -> member.id().equals(localNodeId))) {
            Object raw = lookup(properties, NODE_ID);
            throw new InvalidConfigurationException(NODE_ID, raw == null ? localNodeId.id() : render(raw),
                    "it is not one of the members ("
                            + members.stream().map(m -> m.id().id()).collect(Collectors.joining(", ")) + ")"
                            + (raw == null ? "; node.id is not set, so it is the default " + localNodeId : ""));
        }
        int ioWorkers = (int) wholeNumber(properties, IO_WORKERS, ClusterConfig.DEFAULT_IO_WORKERS,
                ClusterConfig.MIN_IO_WORKERS, ClusterConfig.MAX_IO_WORKERS, "threads");
        Duration custodianInterval = millis(properties, CUSTODIAN_INTERVAL_MS,
                ClusterConfig.DEFAULT_CUSTODIAN_INTERVAL_MS,
                ClusterConfig.MIN_CUSTODIAN_INTERVAL_MS, ClusterConfig.MAX_CUSTODIAN_INTERVAL_MS);
        Duration connectTimeout = millis(properties, CONNECT_TIMEOUT_MS,
                ClusterConfig.DEFAULT_CONNECT_TIMEOUT_MS,
                ClusterConfig.MIN_CONNECT_TIMEOUT_MS, ClusterConfig.MAX_CONNECT_TIMEOUT_MS);
        Duration reconnectBackoffMax = millis(properties, RECONNECT_BACKOFF_MAX_MS,
                ClusterConfig.DEFAULT_RECONNECT_BACKOFF_MAX_MS,
                ClusterConfig.MIN_RECONNECT_BACKOFF_MAX_MS, ClusterConfig.MAX_RECONNECT_BACKOFF_MAX_MS);
        Duration helloTimeout = millis(properties, HELLO_TIMEOUT_MS,
                ClusterConfig.DEFAULT_HELLO_TIMEOUT_MS,
                ClusterConfig.MIN_HELLO_TIMEOUT_MS, ClusterConfig.MAX_HELLO_TIMEOUT_MS);
        int maxMessageBytes = (int) wholeNumber(properties, MESSAGE_MAX_BYTES,
                ClusterConfig.DEFAULT_MESSAGE_MAX_BYTES,
                ClusterConfig.MIN_MESSAGE_MAX_BYTES, ClusterConfig.MAX_MESSAGE_MAX_BYTES, "bytes");
        long maxReassemblyBytes = wholeNumber(properties, REASSEMBLY_MAX_BYTES,
                ClusterConfig.DEFAULT_REASSEMBLY_MAX_BYTES,
                ClusterConfig.MIN_REASSEMBLY_MAX_BYTES, ClusterConfig.MAX_REASSEMBLY_MAX_BYTES, "bytes");
        long outboundQueueBytes = wholeNumber(properties, OUTBOUND_QUEUE_MAX_BYTES,
                ClusterConfig.DEFAULT_OUTBOUND_QUEUE_MAX_BYTES,
                ClusterConfig.MIN_OUTBOUND_QUEUE_MAX_BYTES, ClusterConfig.MAX_OUTBOUND_QUEUE_MAX_BYTES, "bytes");
        // A largest message that could never be queued or reassembled would be refused on every send.
        atLeastLargestMessage(properties, REASSEMBLY_MAX_BYTES, maxReassemblyBytes, maxMessageBytes);
        atLeastLargestMessage(properties, OUTBOUND_QUEUE_MAX_BYTES, outboundQueueBytes, maxMessageBytes);
        FailureDetectionSettings failureDetection = failureDetection(properties, helloTimeout);
        ClusterSecret secret = secret(properties);
        TlsSettings tls = tls(properties);
        return new ClusterSettings(clusterName, localNodeId, members, ioWorkers, custodianInterval,
                connectTimeout, reconnectBackoffMax, helloTimeout, maxMessageBytes, maxReassemblyBytes, outboundQueueBytes,
                failureDetection, secret, tls);
    }

    private static void atLeastLargestMessage(Map<String, ?> properties, String key, long value,
            int maxMessageBytes) throws InvalidConfigurationException {
        if (value < maxMessageBytes) {
            Object raw = lookup(properties, key);
            throw new InvalidConfigurationException(key, raw == null ? Long.toString(value) : render(raw),
                    "must be at least " + MESSAGE_MAX_BYTES + " (" + maxMessageBytes + " bytes)"
                            + (raw == null ? "; " + key + " is not set, so it is the default" : ""));
        }
    }

    // ---- keys

    private static String clusterName(Map<String, ?> properties) throws InvalidConfigurationException {
        Object raw = lookup(properties, CLUSTER_NAME);
        String name = text(CLUSTER_NAME, raw, ClusterConfig.DEFAULT_CLUSTER_NAME);
        if (name.isEmpty() || name.length() > CLUSTER_NAME_MAX_LENGTH) {
            throw new InvalidConfigurationException(CLUSTER_NAME, render(raw),
                    "must have 1 to " + CLUSTER_NAME_MAX_LENGTH + " characters, has " + name.length());
        }
        if (!CLUSTER_NAME_ALPHABET.matcher(name).matches()) {
            throw new InvalidConfigurationException(CLUSTER_NAME, render(raw),
                    "may hold only letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    private static ClusterSecret secret(Map<String, ?> properties) throws InvalidConfigurationException {
        Object raw = lookup(properties, ClusterConfig.CLUSTER_SECRET);
        String value = raw == null ? ClusterConfig.DEFAULT_CLUSTER_SECRET : String.valueOf(raw).strip();
        if (!value.isEmpty() && (value.length() < ClusterConfig.MIN_CLUSTER_SECRET_LENGTH
                || value.length() > ClusterConfig.MAX_CLUSTER_SECRET_LENGTH)) {
            // The refusal names the key but never echoes the secret.
            throw new InvalidConfigurationException(ClusterConfig.CLUSTER_SECRET, "********",
                    "must have " + ClusterConfig.MIN_CLUSTER_SECRET_LENGTH + " to "
                            + ClusterConfig.MAX_CLUSTER_SECRET_LENGTH + " characters, has " + value.length());
        }
        return ClusterSecret.of(value);
    }

    private static TlsSettings tls(Map<String, ?> properties) throws InvalidConfigurationException {
        Object rawEnabled = lookup(properties, ClusterConfig.TLS_ENABLED);
        boolean enabled;
        if (rawEnabled == null || rawEnabled instanceof Boolean) {
            enabled = Boolean.TRUE.equals(rawEnabled);
        } else {
            String text = String.valueOf(rawEnabled).strip();
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new InvalidConfigurationException(ClusterConfig.TLS_ENABLED, render(rawEnabled),
                        "must be true or false");
            }
            enabled = Boolean.parseBoolean(text);
        }
        String keyStore = text(ClusterConfig.TLS_KEYSTORE, lookup(properties, ClusterConfig.TLS_KEYSTORE), "");
        String trustStore = text(ClusterConfig.TLS_TRUSTSTORE, lookup(properties, ClusterConfig.TLS_TRUSTSTORE), "");
        String keyStorePassword = password(properties, ClusterConfig.TLS_KEYSTORE_PASSWORD);
        String trustStorePassword = password(properties, ClusterConfig.TLS_TRUSTSTORE_PASSWORD);
        if (!enabled) {
            return TlsSettings.DISABLED;
        }
        if (keyStore.isEmpty()) {
            throw new InvalidConfigurationException(ClusterConfig.TLS_KEYSTORE, "",
                    "must name this node's key store when tls.enabled is true");
        }
        if (trustStore.isEmpty()) {
            throw new InvalidConfigurationException(ClusterConfig.TLS_TRUSTSTORE, "",
                    "must name the trust store when tls.enabled is true");
        }
        return new TlsSettings(true, Path.of(keyStore), keyStorePassword, Path.of(trustStore), trustStorePassword);
    }

    /** A password: taken as it is (blanks included), never echoed in a refusal. */
    private static String password(Map<String, ?> properties, String key) throws InvalidConfigurationException {
        Object raw = lookup(properties, key);
        if (raw == null) {
            return "";
        }
        if (!(raw instanceof String text)) {
            throw new InvalidConfigurationException(key, "********", "must be text");
        }
        return text;
    }

    private static NodeId localNodeId(Map<String, ?> properties) throws InvalidConfigurationException {
        Object raw = lookup(properties, NODE_ID);
        String id = text(NODE_ID, raw, ClusterConfig.DEFAULT_NODE_ID);
        try {
            return NodeId.of(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(NODE_ID, render(raw), e.getMessage());
        }
    }

    private static List<ControllerNode> members(Map<String, ?> properties) throws InvalidConfigurationException {
        Object raw = lookup(properties, MEMBERS);
        String list = memberList(raw);
        String rendered = render(raw);
        if (list.isBlank()) {
            throw new InvalidConfigurationException(MEMBERS, rendered,
                    "at least one member is required, as id@address:port");
        }
        List<ControllerNode> members = new ArrayList<>();
        Map<NodeId, String> entryById = new HashMap<>();
        Map<Endpoint, NodeId> idByEndpoint = new HashMap<>();
        for (String part : list.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw new InvalidConfigurationException(MEMBERS, rendered,
                        "it has an empty entry (a stray comma?)");
            }
            ControllerNode member = member(entry, rendered);
            String earlier = entryById.putIfAbsent(member.id(), entry);
            if (earlier != null) {
                throw new InvalidConfigurationException(MEMBERS, rendered,
                        "duplicate id " + member.id() + " ('" + earlier + "' and '" + entry + "')");
            }
            NodeId sameEndpoint = idByEndpoint.putIfAbsent(new Endpoint(member.ip(), member.tcpPort()), member.id());
            if (sameEndpoint != null) {
                throw new InvalidConfigurationException(MEMBERS, rendered,
                        sameEndpoint + " and " + member.id() + " both use "
                                + endpointText(member.ip(), member.tcpPort()));
            }
            members.add(member);
        }
        members.sort(Comparator.comparing(ControllerNode::id));
        return members;
    }

    /** The member list as one comma-separated text; a typed config may also give an array or a collection. */
    private static String memberList(Object raw) throws InvalidConfigurationException {
        if (raw == null) {
            return ClusterConfig.DEFAULT_MEMBERS;
        }
        if (raw instanceof String text) {
            return text;
        }
        Collection<?> items = raw instanceof Collection<?> collection ? collection
                : raw instanceof Object[] array ? Arrays.asList(array) : null;
        if (items == null) {
            throw new InvalidConfigurationException(MEMBERS, render(raw),
                    "must be text (id@address:port, ...), got " + typeName(raw));
        }
        List<String> parts = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text)) {
                throw new InvalidConfigurationException(MEMBERS, render(raw),
                        "every entry must be text (id@address:port), got " + typeName(item));
            }
            parts.add(text);
        }
        return String.join(",", parts);
    }

    /** Parses one stripped entry {@code id@address:port}; {@code rendered} is the whole value, for errors. */
    private static ControllerNode member(String entry, String rendered) throws InvalidConfigurationException {
        int at = entry.indexOf('@');
        if (at < 0) {
            throw refusedMember(rendered, "'" + entry + "' has no '@'; expected id@address:port");
        }
        if (entry.indexOf('@', at + 1) >= 0) {
            throw refusedMember(rendered, "'" + entry + "' has more than one '@'; expected id@address:port");
        }
        NodeId id;
        try {
            id = NodeId.of(entry.substring(0, at));
        } catch (IllegalArgumentException e) {
            throw refusedMember(rendered, "'" + entry + "': " + e.getMessage());
        }
        String hostAndPort = entry.substring(at + 1);
        String host;
        String port;
        InetAddress address;
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            if (close < 0) {
                throw refusedMember(rendered, "'" + entry + "' opens '[' without closing it");
            }
            host = hostAndPort.substring(1, close);
            String rest = hostAndPort.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw refusedMember(rendered, "'" + entry + "' has no port; expected id@[address]:port");
            }
            port = rest.substring(1);
            if (host.indexOf('%') >= 0) {
                throw refusedMember(rendered, host + " carries a zone id; members need an address"
                        + " that means the same on every node");
            }
            byte[] bytes = ipv6(host);
            if (bytes == null) {
                throw refusedMember(rendered, host + " is not an IPv6 address");
            }
            address = address(bytes);
        } else {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon < 0) {
                throw refusedMember(rendered, "'" + entry + "' has no port; expected id@address:port");
            }
            host = hostAndPort.substring(0, colon);
            port = hostAndPort.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw refusedMember(rendered, "the IPv6 address in '" + entry
                        + "' must be in brackets, as in " + id + "@[::1]:9876");
            }
            byte[] bytes = ipv4(host);
            if (bytes == null && host.isEmpty()) {
                throw refusedMember(rendered, "'" + entry + "' has no address");
            }
            if (bytes == null && HAS_LETTER.matcher(host).matches()) {
                throw refusedMember(rendered, host + " is not an IP address"
                        + " (host names are not resolved; give the member's IP address)");
            }
            if (bytes == null) {
                throw refusedMember(rendered, host + " is not an IP address");
            }
            address = address(bytes);
        }
        if (address.isAnyLocalAddress()) {
            throw refusedMember(rendered, host + " is the wildcard address; give an address "
                    + id + " can be reached at");
        }
        if (address.isMulticastAddress()) {
            throw refusedMember(rendered, host + " is a multicast address");
        }
        if (port.isEmpty()) {
            throw refusedMember(rendered, "'" + entry + "' has no port; expected id@address:port");
        }
        if (!PORT.matcher(port).matches()) {
            throw refusedMember(rendered, "port '" + port + "' of " + id + " is not a number");
        }
        int tcpPort = port.length() > 5 ? -1 : Integer.parseInt(port);
        if (tcpPort < 1 || tcpPort > 65535) {
            throw refusedMember(rendered, "port " + port + " of " + id + " is not in 1..65535");
        }
        return new ControllerNode(id, address, tcpPort);
    }

    private static InvalidConfigurationException refusedMember(String rendered, String reason) {
        return new InvalidConfigurationException(MEMBERS, rendered, reason);
    }

    private static FailureDetectionSettings failureDetection(Map<String, ?> properties, Duration helloTimeout)
            throws InvalidConfigurationException {
        Duration heartbeatInterval = millis(properties, HEARTBEAT_INTERVAL_MS,
                ClusterConfig.DEFAULT_HEARTBEAT_INTERVAL_MS,
                ClusterConfig.MIN_HEARTBEAT_INTERVAL_MS, ClusterConfig.MAX_HEARTBEAT_INTERVAL_MS);
        double phiThreshold = decimalNumber(properties, FAILURE_PHI_THRESHOLD,
                ClusterConfig.DEFAULT_FAILURE_PHI_THRESHOLD,
                ClusterConfig.MIN_FAILURE_PHI_THRESHOLD, ClusterConfig.MAX_FAILURE_PHI_THRESHOLD, "phi");
        Duration minStdDeviation = millis(properties, FAILURE_MIN_STDDEV_MS,
                ClusterConfig.DEFAULT_FAILURE_MIN_STDDEV_MS,
                ClusterConfig.MIN_FAILURE_MIN_STDDEV_MS, ClusterConfig.MAX_FAILURE_MIN_STDDEV_MS);
        Duration acceptablePause = millis(properties, FAILURE_ACCEPTABLE_PAUSE_MS,
                ClusterConfig.DEFAULT_FAILURE_ACCEPTABLE_PAUSE_MS,
                ClusterConfig.MIN_FAILURE_ACCEPTABLE_PAUSE_MS, ClusterConfig.MAX_FAILURE_ACCEPTABLE_PAUSE_MS);
        if (heartbeatInterval.compareTo(helloTimeout) >= 0) {
            Object raw = lookup(properties, HEARTBEAT_INTERVAL_MS);
            throw new InvalidConfigurationException(HEARTBEAT_INTERVAL_MS,
                    raw == null ? Long.toString(heartbeatInterval.toMillis()) : render(raw),
                    "must be shorter than " + ClusterConfig.HELLO_TIMEOUT_MS + " (" + helloTimeout.toMillis()
                            + " ms)" + (raw == null ? "; " + HEARTBEAT_INTERVAL_MS
                                    + " is not set, so it is the default " + heartbeatInterval.toMillis() : ""));
        }
        return new FailureDetectionSettings(heartbeatInterval, phiThreshold, minStdDeviation, acceptablePause);
    }

    private static Duration millis(Map<String, ?> properties, String key, long defaultValue, long min, long max)
            throws InvalidConfigurationException {
        return Duration.ofMillis(wholeNumber(properties, key, defaultValue, min, max, "milliseconds"));
    }

    private static long wholeNumber(Map<String, ?> properties, String key, long defaultValue, long min, long max,
            String unit) throws InvalidConfigurationException {
        Object raw = lookup(properties, key);
        if (raw == null) {
            return defaultValue;
        }
        BigInteger value = wholeNumber(raw);
        if (value == null) {
            throw new InvalidConfigurationException(key, render(raw),
                    "not a whole number; expected " + unit + " in " + min + ".." + max);
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidConfigurationException(key, render(raw),
                    "out of range; expected " + unit + " in " + min + ".." + max);
        }
        return value.longValueExact();
    }

    /** Returns the whole number a raw value holds, or null if it holds none. */
    private static BigInteger wholeNumber(Object raw) {
        if (raw instanceof String text) {
            String digits = text.strip();
            return WHOLE_NUMBER.matcher(digits).matches() ? new BigInteger(digits) : null;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte
                || raw instanceof AtomicInteger || raw instanceof AtomicLong) {
            return BigInteger.valueOf(((Number) raw).longValue());
        }
        if (raw instanceof BigInteger big) {
            return big;
        }
        try {
            if (raw instanceof Double || raw instanceof Float) {
                double d = ((Number) raw).doubleValue();
                return Double.isFinite(d) ? new BigDecimal(d).toBigIntegerExact() : null;
            }
            if (raw instanceof BigDecimal decimal) {
                return decimal.toBigIntegerExact();
            }
        } catch (ArithmeticException fraction) {
            return null;
        }
        return null;
    }

    private static double decimalNumber(Map<String, ?> properties, String key, double defaultValue, double min,
            double max, String unit) throws InvalidConfigurationException {
        Object raw = lookup(properties, key);
        if (raw == null) {
            return defaultValue;
        }
        String range = plain(min) + ".." + plain(max);
        BigDecimal value = decimalNumber(raw);
        if (value == null) {
            throw new InvalidConfigurationException(key, render(raw),
                    "not a decimal number; expected " + unit + " in " + range);
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidConfigurationException(key, render(raw),
                    "out of range; expected " + unit + " in " + range);
        }
        return value.doubleValue();
    }

    /** Returns the finite number a raw value holds, or null if it holds none: NaN and infinities hold none. */
    private static BigDecimal decimalNumber(Object raw) {
        if (raw instanceof String text) {
            String number = text.strip();
            return DECIMAL_NUMBER.matcher(number).matches() ? new BigDecimal(number) : null;
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            // Float.toString keeps 8.1f as 8.1 rather than widening it to 8.100000381...
            return raw instanceof Float f ? new BigDecimal(Float.toString(f)) : BigDecimal.valueOf(d);
        }
        if (raw instanceof BigDecimal decimal) {
            return decimal;
        }
        BigInteger whole = wholeNumber(raw); // Integer, Long, Short, Byte, BigInteger, ...
        return whole == null ? null : new BigDecimal(whole);
    }

    /** A bound for messages: 1.0 as 1, 8.5 as 8.5. */
    private static String plain(double bound) {
        return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    // ---- raw values

    /** Returns the value of a key, matching it ignoring case as ConfigAdmin does; null if it is not set. */
    private static Object lookup(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            if (key.equalsIgnoreCase(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String text(String key, Object raw, String defaultValue) throws InvalidConfigurationException {
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof String text)) {
            throw new InvalidConfigurationException(key, render(raw), "must be text, got " + typeName(raw));
        }
        return text.strip();
    }

    /** A raw value as text, for messages; null (the key is missing) renders as the empty text. */
    private static String render(Object raw) {
        if (raw == null) {
            return "";
        }
        if (raw instanceof Object[] array) {
            return Arrays.toString(array);
        }
        if (raw.getClass().isArray()) {
            return raw.getClass().getComponentType().getSimpleName() + "[] value";
        }
        return String.valueOf(raw);
    }

    private static String typeName(Object raw) {
        return raw == null ? "nothing" : raw.getClass().getSimpleName();
    }

    // ---- addresses, by pattern only: nothing here may ever resolve a name

    /** Returns the 4 bytes of a dotted-quad IPv4 literal, or null; leading zeros (octal?) are refused. */
    static byte[] ipv4(String text) {
        Matcher m = IPV4.matcher(text);
        if (!m.matches()) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = m.group(i + 1);
            int value = Integer.parseInt(octet);
            if (value > 255 || octet.length() > 1 && octet.charAt(0) == '0') {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** Returns the 16 bytes of an IPv6 literal (RFC 4291 text forms, without zone id), or null. */
    static byte[] ipv6(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        List<byte[]> headGroups = groups(head, gap < 0);
        List<byte[]> tailGroups = groups(tail, true);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int pairs = 0;
        for (byte[] group : headGroups) {
            pairs += group.length / 2;
        }
        for (byte[] group : tailGroups) {
            pairs += group.length / 2;
        }
        if (gap < 0 ? pairs != 8 : pairs > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        int at = 0;
        for (byte[] group : headGroups) {
            System.arraycopy(group, 0, bytes, at, group.length);
            at += group.length;
        }
        at = 16;
        for (int i = tailGroups.size() - 1; i >= 0; i--) {
            byte[] group = tailGroups.get(i);
            at -= group.length;
            System.arraycopy(group, 0, bytes, at, group.length);
        }
        return bytes;
    }

    /**
     * Splits colon-separated hex groups into 2-byte arrays; the last one may be a dotted IPv4 address
     * (4 bytes) if {@code ipv4Last}. The empty text is no group. Returns null if any group is malformed.
     */
    private static List<byte[]> groups(String text, boolean ipv4Last) {
        List<byte[]> groups = new ArrayList<>();
        if (text.isEmpty()) {
            return groups;
        }
        String[] parts = text.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (ipv4Last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] v4 = ipv4(part);
                if (v4 == null) {
                    return null;
                }
                groups.add(v4);
            } else if (HEX_GROUP.matcher(part).matches()) {
                int value = Integer.parseInt(part, 16);
                groups.add(new byte[] {(byte) (value >>> 8), (byte) value});
            } else {
                return null;
            }
        }
        return groups;
    }

    /** Wraps literal bytes; {@link InetAddress#getByAddress(byte[])} never consults a name service. */
    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not 4 or 16 address bytes: " + bytes.length, e);
        }
    }

    private static String endpointText(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** An address and port, compared by address bytes: {@code [::ffff:10.0.0.1]} is {@code 10.0.0.1}. */
    private record Endpoint(InetAddress address, int port) {
    }
}
