package org.cohort.core.config;

import org.cohort.api.cluster.NodeId;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of ConfigAdmin PID {@value #PID}: what the keys mean, their units, defaults and ranges,
 * for the Karaf shell and web console.
 *
 * <p>This interface only <em>describes</em> the configuration. Nothing reads the configuration through
 * it: Declarative Services would convert the raw properties to these method types and silently turn an
 * unparseable number into 0. {@link ClusterSettingsParser} reads the raw properties instead, using the
 * key names, defaults and bounds declared here, so the description, the defaults and the checks cannot
 * drift apart. Method names map to the keys by OSGi name mangling ({@code io_workers()} is
 * {@code io.workers}).
 */
@ObjectClassDefinition(
        id = ClusterConfig.PID,
        name = "Cohort cluster",
        description = "The members of this node's Cohort cluster and the tuning of its cluster streams."
                + " Every node of a cluster must carry the same cluster.name and members; each its own"
                + " node.id. An invalid configuration is refused as a whole: the first configuration"
                + " then starts nothing, an invalid edit keeps the running configuration.")
public @interface ClusterConfig {

    /** The ConfigAdmin PID. */
    String PID = "org.cohort.cluster";

    /** Key of the cluster name. */
    String CLUSTER_NAME = "cluster.name";
    /** Key of this node's id. */
    String NODE_ID = "node.id";
    /** Key of the member list. */
    String MEMBERS = "members";
    /** Key of the IO worker thread count. */
    String IO_WORKERS = "io.workers";
    /** Key of the custodian interval. */
    String CUSTODIAN_INTERVAL_MS = "custodian.interval.ms";
    /** Key of the connect timeout. */
    String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    /** Key of the longest reconnect backoff. */
    String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    /** Key of the hello timeout. */
    String HELLO_TIMEOUT_MS = "hello.timeout.ms";
    /** Key of the largest message. */
    String MESSAGE_MAX_BYTES = "message.max.bytes";
    /** Key of the per-stream limit on partly received messages. */
    String REASSEMBLY_MAX_BYTES = "reassembly.max.bytes";
    /** Key of the per-stream outbound queue limit. */
    String OUTBOUND_QUEUE_MAX_BYTES = "outbound.queue.max.bytes";
    /** Key of the heartbeat interval. */
    String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    /** Key of the failure detector's phi threshold. */
    String FAILURE_PHI_THRESHOLD = "failure.phi.threshold";
    /** Key of the failure detector's smallest standard deviation. */
    String FAILURE_MIN_STDDEV_MS = "failure.min.stddev.ms";
    /** Key of the failure detector's acceptable pause. */
    String FAILURE_ACCEPTABLE_PAUSE_MS = "failure.acceptable.pause.ms";
    /** Key of the shared secret that authenticates members. */
    String CLUSTER_SECRET = "cluster.secret";
    /** Key of the switch for mutual TLS. */
    String TLS_ENABLED = "tls.enabled";
    /** Key of this node's key store. */
    String TLS_KEYSTORE = "tls.keystore";
    /** Key of the key store's password. */
    String TLS_KEYSTORE_PASSWORD = "tls.keystore.password";
    /** Key of the trust store. */
    String TLS_TRUSTSTORE = "tls.truststore";
    /** Key of the trust store's password. */
    String TLS_TRUSTSTORE_PASSWORD = "tls.truststore.password";

    /** Default cluster name. */
    String DEFAULT_CLUSTER_NAME = "cohort";
    /** Longest cluster name, in characters. */
    int CLUSTER_NAME_MAX_LENGTH = 64;

    /** Default node id: the only member of the default one-node cluster. */
    String DEFAULT_NODE_ID = "node-1";

    /** Default member list: this node alone, on loopback. */
    String DEFAULT_MEMBERS = "node-1@127.0.0.1:9876";

    /** Default IO worker thread count. */
    int DEFAULT_IO_WORKERS = 3;
    /** Fewest IO worker threads. */
    int MIN_IO_WORKERS = 1;
    /** Most IO worker threads. */
    int MAX_IO_WORKERS = 64;

    /** Default custodian interval, in milliseconds. */
    int DEFAULT_CUSTODIAN_INTERVAL_MS = 250;
    /** Shortest custodian interval, in milliseconds. */
    int MIN_CUSTODIAN_INTERVAL_MS = 10;
    /** Longest custodian interval, in milliseconds. */
    int MAX_CUSTODIAN_INTERVAL_MS = 60_000;

    /** Default connect timeout, in milliseconds. */
    int DEFAULT_CONNECT_TIMEOUT_MS = 500;
    /** Shortest connect timeout, in milliseconds. */
    int MIN_CONNECT_TIMEOUT_MS = 10;
    /** Longest connect timeout, in milliseconds. */
    int MAX_CONNECT_TIMEOUT_MS = 60_000;

    /** Default longest reconnect backoff, in milliseconds. */
    int DEFAULT_RECONNECT_BACKOFF_MAX_MS = 500;
    /** Lower bound of the longest reconnect backoff, in milliseconds. */
    int MIN_RECONNECT_BACKOFF_MAX_MS = 10;
    /** Upper bound of the longest reconnect backoff, in milliseconds. */
    int MAX_RECONNECT_BACKOFF_MAX_MS = 300_000;

    /** Default hello timeout, in milliseconds. */
    int DEFAULT_HELLO_TIMEOUT_MS = 2000;
    /** Shortest hello timeout, in milliseconds. */
    int MIN_HELLO_TIMEOUT_MS = 100;
    /** Longest hello timeout, in milliseconds. */
    int MAX_HELLO_TIMEOUT_MS = 60_000;

    /** Default largest message, in bytes (16 MiB). */
    int DEFAULT_MESSAGE_MAX_BYTES = 16_777_216;
    /** Lower bound of the largest message, in bytes (64 KiB: one chunk). */
    int MIN_MESSAGE_MAX_BYTES = 65_536;
    /** Upper bound of the largest message, in bytes (256 MiB). */
    int MAX_MESSAGE_MAX_BYTES = 268_435_456;

    /** Default limit on partly received messages per stream, in bytes (64 MiB). */
    long DEFAULT_REASSEMBLY_MAX_BYTES = 67_108_864L;
    /** Lower bound of the reassembly limit, in bytes (64 KiB). */
    long MIN_REASSEMBLY_MAX_BYTES = 65_536L;
    /** Upper bound of the reassembly limit, in bytes (4 GiB). */
    long MAX_REASSEMBLY_MAX_BYTES = 4_294_967_296L;

    /** Default outbound queue limit per stream, in bytes (64 MiB). */
    long DEFAULT_OUTBOUND_QUEUE_MAX_BYTES = 67_108_864L;
    /** Lower bound of the outbound queue limit, in bytes (64 KiB). */
    long MIN_OUTBOUND_QUEUE_MAX_BYTES = 65_536L;
    /** Upper bound of the outbound queue limit, in bytes (4 GiB). */
    long MAX_OUTBOUND_QUEUE_MAX_BYTES = 4_294_967_296L;

    // The failure detection defaults are the source of FailureDetectionSettings.DEFAULTS, which is built
    // from them: annotation defaults must be constants, so the dependency can only point this way.

    /** Default heartbeat interval, in milliseconds. */
    int DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    /** Shortest heartbeat interval, in milliseconds. */
    int MIN_HEARTBEAT_INTERVAL_MS = 10;
    /** Longest heartbeat interval, in milliseconds; it must also be shorter than the hello timeout. */
    int MAX_HEARTBEAT_INTERVAL_MS = 10_000;

    /** Default phi threshold. */
    double DEFAULT_FAILURE_PHI_THRESHOLD = 8.0;
    /** Lowest phi threshold. */
    double MIN_FAILURE_PHI_THRESHOLD = 1.0;
    /** Highest phi threshold. */
    double MAX_FAILURE_PHI_THRESHOLD = 50.0;

    /** Default smallest standard deviation of heartbeat intervals, in milliseconds. */
    int DEFAULT_FAILURE_MIN_STDDEV_MS = 100;
    /** Lower bound of the smallest standard deviation, in milliseconds. */
    int MIN_FAILURE_MIN_STDDEV_MS = 1;
    /** Upper bound of the smallest standard deviation, in milliseconds. */
    int MAX_FAILURE_MIN_STDDEV_MS = 10_000;

    /** Default acceptable pause, in milliseconds. */
    int DEFAULT_FAILURE_ACCEPTABLE_PAUSE_MS = 800;
    /** Shortest acceptable pause, in milliseconds. */
    int MIN_FAILURE_ACCEPTABLE_PAUSE_MS = 0;
    /** Longest acceptable pause, in milliseconds. */
    int MAX_FAILURE_ACCEPTABLE_PAUSE_MS = 60_000;

    /** Default cluster secret: none, members are not authenticated by one. */
    String DEFAULT_CLUSTER_SECRET = "";
    /** Fewest characters of a cluster secret. */
    int MIN_CLUSTER_SECRET_LENGTH = 16;
    /** Most characters of a cluster secret. */
    int MAX_CLUSTER_SECRET_LENGTH = 1024;

    /**
     * {@value #CLUSTER_NAME}.
     *
     * @return the cluster name
     */
    @AttributeDefinition(
            name = "Cluster name",
            description = "The name of the cluster; a peer whose hello carries another name is refused."
                    + " 1 to " + CLUSTER_NAME_MAX_LENGTH + " characters of letters, digits, '.', '_'"
                    + " and '-'. Default: " + DEFAULT_CLUSTER_NAME + ".")
    String cluster_name() default DEFAULT_CLUSTER_NAME;

    /**
     * {@value #NODE_ID}.
     *
     * @return this node's id
     */
    @AttributeDefinition(
            name = "Node id",
            description = "This node's id; it must be the id of one of the members. 1 to "
                    + NodeId.MAX_LENGTH + " characters of letters, digits, '.', '_', ':' and '-'."
                    + " Default: " + DEFAULT_NODE_ID + ".")
    String node_id() default DEFAULT_NODE_ID;

    /**
     * {@value #MEMBERS}.
     *
     * @return the member list
     */
    @AttributeDefinition(
            name = "Members",
            description = "Every member of the cluster, this node included, comma-separated, each as"
                    + " id@address:port, an IPv6 address in brackets (node-2@[fd00::2]:9876). The address"
                    + " must be an IP address (host names are not resolved), neither a wildcard nor a"
                    + " multicast address; port 1 to 65535. Ids and address:port pairs must be unique."
                    + " Default: " + DEFAULT_MEMBERS + " (a one-node cluster on loopback).")
    String members() default DEFAULT_MEMBERS;

    /**
     * {@value #IO_WORKERS}.
     *
     * @return the IO worker thread count
     */
    @AttributeDefinition(
            name = "IO workers",
            description = "How many IO worker threads serve the cluster streams. Threads, "
                    + MIN_IO_WORKERS + " to " + MAX_IO_WORKERS + ". Default: " + DEFAULT_IO_WORKERS + ".",
            min = "" + MIN_IO_WORKERS,
            max = "" + MAX_IO_WORKERS)
    int io_workers() default DEFAULT_IO_WORKERS;

    /**
     * {@value #CUSTODIAN_INTERVAL_MS}.
     *
     * @return the custodian interval in milliseconds
     */
    @AttributeDefinition(
            name = "Custodian interval (ms)",
            description = "How often the custodian looks for members without a stream and dials them."
                    + " Milliseconds, " + MIN_CUSTODIAN_INTERVAL_MS + " to " + MAX_CUSTODIAN_INTERVAL_MS
                    + ". Default: " + DEFAULT_CUSTODIAN_INTERVAL_MS + ".",
            min = "" + MIN_CUSTODIAN_INTERVAL_MS,
            max = "" + MAX_CUSTODIAN_INTERVAL_MS)
    int custodian_interval_ms() default DEFAULT_CUSTODIAN_INTERVAL_MS;

    /**
     * {@value #CONNECT_TIMEOUT_MS}.
     *
     * @return the connect timeout in milliseconds
     */
    @AttributeDefinition(
            name = "Connect timeout (ms)",
            description = "How long one dial to a member may take before it is abandoned. Milliseconds, "
                    + MIN_CONNECT_TIMEOUT_MS + " to " + MAX_CONNECT_TIMEOUT_MS + ". Default: "
                    + DEFAULT_CONNECT_TIMEOUT_MS + ".",
            min = "" + MIN_CONNECT_TIMEOUT_MS,
            max = "" + MAX_CONNECT_TIMEOUT_MS)
    int connect_timeout_ms() default DEFAULT_CONNECT_TIMEOUT_MS;

    /**
     * {@value #RECONNECT_BACKOFF_MAX_MS}.
     *
     * @return the longest reconnect backoff in milliseconds
     */
    @AttributeDefinition(
            name = "Longest reconnect backoff (ms)",
            description = "The longest wait before redialing a member whose dials keep failing."
                    + " Milliseconds, " + MIN_RECONNECT_BACKOFF_MAX_MS + " to "
                    + MAX_RECONNECT_BACKOFF_MAX_MS + ". Default: " + DEFAULT_RECONNECT_BACKOFF_MAX_MS + ".",
            min = "" + MIN_RECONNECT_BACKOFF_MAX_MS,
            max = "" + MAX_RECONNECT_BACKOFF_MAX_MS)
    int reconnect_backoff_max_ms() default DEFAULT_RECONNECT_BACKOFF_MAX_MS;

    /**
     * {@value #HELLO_TIMEOUT_MS}.
     *
     * @return the hello timeout in milliseconds
     */
    @AttributeDefinition(
            name = "Hello timeout (ms)",
            description = "How long a new stream may take to complete its hello before it is closed."
                    + " Milliseconds, " + MIN_HELLO_TIMEOUT_MS + " to " + MAX_HELLO_TIMEOUT_MS
                    + ". Default: " + DEFAULT_HELLO_TIMEOUT_MS + ".",
            min = "" + MIN_HELLO_TIMEOUT_MS,
            max = "" + MAX_HELLO_TIMEOUT_MS)
    int hello_timeout_ms() default DEFAULT_HELLO_TIMEOUT_MS;

    /**
     * {@value #MESSAGE_MAX_BYTES}.
     *
     * @return the largest message in bytes
     */
    @AttributeDefinition(
            name = "Largest message (bytes)",
            description = "The largest message this node sends or accepts, counting its payload, subject and"
                    + " sender. Messages above 64 KiB travel in 64 KiB chunks that interleave with other"
                    + " traffic. Sends of larger messages are refused; a peer sending one is disconnected."
                    + " Set the same value on every member. Bytes, " + MIN_MESSAGE_MAX_BYTES + " (64 KiB) to "
                    + MAX_MESSAGE_MAX_BYTES + " (256 MiB), at most reassembly.max.bytes and"
                    + " outbound.queue.max.bytes. Default: " + DEFAULT_MESSAGE_MAX_BYTES + " (16 MiB).",
            min = "" + MIN_MESSAGE_MAX_BYTES,
            max = "" + MAX_MESSAGE_MAX_BYTES)
    int message_max_bytes() default DEFAULT_MESSAGE_MAX_BYTES;

    /**
     * {@value #REASSEMBLY_MAX_BYTES}.
     *
     * @return the limit on partly received messages per stream in bytes
     */
    @AttributeDefinition(
            name = "Reassembly limit (bytes)",
            description = "How many bytes of partly received chunked messages one stream may hold (each counts"
                    + " with its full declared size from its first chunk). A peer that exceeds it is"
                    + " disconnected; a sender never starts more than this many bytes of chunked messages at"
                    + " once, so set the same value on every member. Bytes, " + MIN_REASSEMBLY_MAX_BYTES
                    + " (64 KiB) to " + MAX_REASSEMBLY_MAX_BYTES + " (4 GiB), at least message.max.bytes."
                    + " Default: " + DEFAULT_REASSEMBLY_MAX_BYTES + " (64 MiB).",
            min = "" + MIN_REASSEMBLY_MAX_BYTES,
            max = "" + MAX_REASSEMBLY_MAX_BYTES)
    long reassembly_max_bytes() default DEFAULT_REASSEMBLY_MAX_BYTES;

    /**
     * {@value #OUTBOUND_QUEUE_MAX_BYTES}.
     *
     * @return the outbound queue limit per stream in bytes
     */
    @AttributeDefinition(
            name = "Outbound queue limit (bytes)",
            description = "How many bytes may wait unsent on one stream before further sends on it are"
                    + " refused; at least message.max.bytes. Bytes, " + MIN_OUTBOUND_QUEUE_MAX_BYTES + " (64 KiB) to "
                    + MAX_OUTBOUND_QUEUE_MAX_BYTES + " (4 GiB). Default: " + DEFAULT_OUTBOUND_QUEUE_MAX_BYTES
                    + " (64 MiB).",
            min = "" + MIN_OUTBOUND_QUEUE_MAX_BYTES,
            max = "" + MAX_OUTBOUND_QUEUE_MAX_BYTES)
    long outbound_queue_max_bytes() default DEFAULT_OUTBOUND_QUEUE_MAX_BYTES;

    /**
     * {@value #HEARTBEAT_INTERVAL_MS}.
     *
     * @return the heartbeat interval in milliseconds
     */
    @AttributeDefinition(
            name = "Heartbeat interval (ms)",
            description = "How often each stream sends a heartbeat to its peer; it must be shorter than the"
                    + " hello timeout. Milliseconds, " + MIN_HEARTBEAT_INTERVAL_MS + " to "
                    + MAX_HEARTBEAT_INTERVAL_MS + ". Default: " + DEFAULT_HEARTBEAT_INTERVAL_MS + ".",
            min = "" + MIN_HEARTBEAT_INTERVAL_MS,
            max = "" + MAX_HEARTBEAT_INTERVAL_MS)
    int heartbeat_interval_ms() default DEFAULT_HEARTBEAT_INTERVAL_MS;

    /**
     * {@value #FAILURE_PHI_THRESHOLD}.
     *
     * @return the phi threshold
     */
    @AttributeDefinition(
            name = "Failure phi threshold",
            description = "The suspicion level (phi) of the phi-accrual failure detector above which a silent"
                    + " peer's stream is closed; higher waits longer. A decimal number, "
                    + MIN_FAILURE_PHI_THRESHOLD + " to " + MAX_FAILURE_PHI_THRESHOLD + ". Default: "
                    + DEFAULT_FAILURE_PHI_THRESHOLD + ".",
            min = "" + MIN_FAILURE_PHI_THRESHOLD,
            max = "" + MAX_FAILURE_PHI_THRESHOLD)
    double failure_phi_threshold() default DEFAULT_FAILURE_PHI_THRESHOLD;

    /**
     * {@value #FAILURE_MIN_STDDEV_MS}.
     *
     * @return the smallest standard deviation in milliseconds
     */
    @AttributeDefinition(
            name = "Failure detector minimum deviation (ms)",
            description = "The smallest spread (standard deviation) of heartbeat intervals the failure detector"
                    + " assumes, so that very regular heartbeats do not make it hair-trigger. Milliseconds, "
                    + MIN_FAILURE_MIN_STDDEV_MS + " to " + MAX_FAILURE_MIN_STDDEV_MS + ". Default: "
                    + DEFAULT_FAILURE_MIN_STDDEV_MS + ".",
            min = "" + MIN_FAILURE_MIN_STDDEV_MS,
            max = "" + MAX_FAILURE_MIN_STDDEV_MS)
    int failure_min_stddev_ms() default DEFAULT_FAILURE_MIN_STDDEV_MS;

    /**
     * {@value #FAILURE_ACCEPTABLE_PAUSE_MS}.
     *
     * @return the acceptable pause in milliseconds
     */
    @AttributeDefinition(
            name = "Failure detector acceptable pause (ms)",
            description = "A silence the failure detector tolerates on top of the usual heartbeat interval"
                    + " (garbage collection pauses, a loaded host). Milliseconds, "
                    + MIN_FAILURE_ACCEPTABLE_PAUSE_MS + " to " + MAX_FAILURE_ACCEPTABLE_PAUSE_MS + ". Default: "
                    + DEFAULT_FAILURE_ACCEPTABLE_PAUSE_MS + ".",
            min = "" + MIN_FAILURE_ACCEPTABLE_PAUSE_MS,
            max = "" + MAX_FAILURE_ACCEPTABLE_PAUSE_MS)
    int failure_acceptable_pause_ms() default DEFAULT_FAILURE_ACCEPTABLE_PAUSE_MS;

    /**
     * {@value #CLUSTER_SECRET}.
     *
     * @return the cluster secret, or empty for none
     */
    @AttributeDefinition(
            name = "Cluster secret",
            type = AttributeType.PASSWORD,
            description = "A secret every member shares. When set, each new stream proves in its handshake that"
                    + " both sides know it (HMAC-SHA256 over fresh nonces from both sides; the secret never"
                    + " crosses the wire), and a peer without it, or with another one, is refused. Set it on"
                    + " every member or on none. " + MIN_CLUSTER_SECRET_LENGTH + " to " + MAX_CLUSTER_SECRET_LENGTH
                    + " characters; use a long random one. Default: empty (no secret).",
            required = false)
    String cluster_secret() default DEFAULT_CLUSTER_SECRET;

    /**
     * {@value #TLS_ENABLED}.
     *
     * @return whether streams use mutual TLS
     */
    @AttributeDefinition(
            name = "Mutual TLS",
            description = "Whether streams between members use TLS 1.3 with certificates on both sides. A peer"
                    + " whose certificate does not chain to the trust store, or whose certificate names another"
                    + " node than its hello claims (subject CN or a DNS subject alternative name equal to the node"
                    + " id), is refused. When on and a store is missing, unreadable or wrong, cluster I/O does not"
                    + " start: never plaintext. Set it on every member or on none. Default: false.",
            required = false)
    boolean tls_enabled() default false;

    /**
     * {@value #TLS_KEYSTORE}.
     *
     * @return the key store path
     */
    @AttributeDefinition(
            name = "TLS key store",
            description = "This node's private key and certificate chain: a PKCS12 file (.p12, .pfx) or a PEM file"
                    + " (.pem, .crt) holding both. Required when tls.enabled is true. Default: empty.",
            required = false)
    String tls_keystore() default "";

    /**
     * {@value #TLS_KEYSTORE_PASSWORD}.
     *
     * @return the key store password
     */
    @AttributeDefinition(
            name = "TLS key store password",
            type = AttributeType.PASSWORD,
            description = "The key store's password, which is also its key's; empty for none. Default: empty.",
            required = false)
    String tls_keystore_password() default "";

    /**
     * {@value #TLS_TRUSTSTORE}.
     *
     * @return the trust store path
     */
    @AttributeDefinition(
            name = "TLS trust store",
            description = "The certificates a peer's certificate must chain to (usually the cluster's CA): a"
                    + " PKCS12 file (.p12, .pfx) or a PEM file (.pem, .crt). Required when tls.enabled is true."
                    + " Default: empty.",
            required = false)
    String tls_truststore() default "";

    /**
     * {@value #TLS_TRUSTSTORE_PASSWORD}.
     *
     * @return the trust store password
     */
    @AttributeDefinition(
            name = "TLS trust store password",
            type = AttributeType.PASSWORD,
            description = "The trust store's password; empty for none. Default: empty.",
            required = false)
    String tls_truststore_password() default "";
}
