package org.cohort.core.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of ConfigAdmin PID {@value #PID}: its keys, types, defaults and ranges, declared here
 * and nowhere else. Karaf's shell and web console show it as the metatype bnd compiles from it;
 * {@link RawValues} checks each raw value against that same metatype (type, min, max), and
 * {@link ClusterSettingsParser} then reads the checked values through this interface with the OSGi
 * Converter, so a missing key takes the default written here. Method names map to the keys by OSGi name
 * mangling ({@code io_workers()} is {@code io.workers}).
 *
 * <p>Each description names its range and default for the web console; {@code ClusterConfigTest} checks
 * that it names the ones declared beside it.
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

    // The keys, in the order of the attributes below.
    String CLUSTER_NAME = "cluster.name";
    String NODE_ID = "node.id";
    String MEMBERS = "members";
    String IO_WORKERS = "io.workers";
    String CUSTODIAN_INTERVAL_MS = "custodian.interval.ms";
    String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    String HELLO_TIMEOUT_MS = "hello.timeout.ms";
    String MESSAGE_MAX_BYTES = "message.max.bytes";
    String REASSEMBLY_MAX_BYTES = "reassembly.max.bytes";
    String OUTBOUND_QUEUE_MAX_BYTES = "outbound.queue.max.bytes";
    String DELIVERY_RESEND_MAX_BYTES = "delivery.resend.max.bytes";
    String DELIVERY_WINDOW_MESSAGES = "delivery.window.messages";
    String DELIVERY_WINDOW_BYTES = "delivery.window.bytes";
    String DELIVERY_LINGER_MS = "delivery.linger.ms";
    String DELIVERY_AT_MOST_ONCE_SUBJECTS = "delivery.at.most.once.subjects";
    String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    String FAILURE_PHI_THRESHOLD = "failure.phi.threshold";
    String FAILURE_MIN_STDDEV_MS = "failure.min.stddev.ms";
    String FAILURE_ACCEPTABLE_PAUSE_MS = "failure.acceptable.pause.ms";
    String LEAVE_TIMEOUT_MS = "leave.timeout.ms";
    String CLUSTER_SECRET = "cluster.secret";
    String TLS_ENABLED = "tls.enabled";
    String TLS_KEYSTORE = "tls.keystore";
    String TLS_KEYSTORE_PASSWORD = "tls.keystore.password";
    String TLS_TRUSTSTORE = "tls.truststore";
    String TLS_TRUSTSTORE_PASSWORD = "tls.truststore.password";
    String TLS_ENGINE = "tls.engine";

    // Defaults that code outside this file names (the benchmark, the settings' shorter constructors).
    String DEFAULT_CLUSTER_NAME = "cohort";
    int DEFAULT_MESSAGE_MAX_BYTES = 16_777_216;
    long DEFAULT_REASSEMBLY_MAX_BYTES = 67_108_864L;
    long DEFAULT_OUTBOUND_QUEUE_MAX_BYTES = 67_108_864L;
    long DEFAULT_DELIVERY_RESEND_MAX_BYTES = 67_108_864L;
    int DEFAULT_DELIVERY_WINDOW_MESSAGES = 4096;
    long DEFAULT_DELIVERY_WINDOW_BYTES = 4_194_304L;
    int DEFAULT_DELIVERY_LINGER_MS = 10_000;
    int DEFAULT_LEAVE_TIMEOUT_MS = 3000;

    @AttributeDefinition(name = "Cluster name",
            description = "The name of the cluster; a peer whose hello carries another name is refused."
                    + " 1 to 64 characters of letters, digits, '.', '_' and '-'. Default: cohort.")
    String cluster_name() default DEFAULT_CLUSTER_NAME;

    @AttributeDefinition(name = "Node id",
            description = "This node's id; it must be the id of one of the members. 1 to 128 characters of"
                    + " letters, digits, '.', '_', ':' and '-'. Default: node-1.")
    String node_id() default "node-1";

    @AttributeDefinition(name = "Members",
            description = "Every member of the cluster, this node included, comma-separated, each as"
                    + " id@address:port, an IPv6 address in brackets (node-2@[fd00::2]:9876). The address"
                    + " must be an IP address (host names are not resolved), neither a wildcard nor a"
                    + " multicast address; port 1 to 65535. Ids and address:port pairs must be unique."
                    + " Default: node-1@127.0.0.1:9876 (a one-node cluster on loopback).")
    String members() default "node-1@127.0.0.1:9876";

    @AttributeDefinition(name = "IO workers", min = "1", max = "64",
            description = "How many IO worker threads serve the cluster streams. Threads, 1 to 64. Default: 3.")
    int io_workers() default 3;

    @AttributeDefinition(name = "Custodian interval (ms)", min = "10", max = "60000",
            description = "How often the custodian looks for members without a stream and dials them."
                    + " Milliseconds, 10 to 60000. Default: 250.")
    int custodian_interval_ms() default 250;

    @AttributeDefinition(name = "Connect timeout (ms)", min = "10", max = "60000",
            description = "How long one dial to a member may take before it is abandoned. Milliseconds,"
                    + " 10 to 60000. Default: 500.")
    int connect_timeout_ms() default 500;

    @AttributeDefinition(name = "Longest reconnect backoff (ms)", min = "10", max = "300000",
            description = "The longest wait before redialing a member whose dials keep failing."
                    + " Milliseconds, 10 to 300000. Default: 500.")
    int reconnect_backoff_max_ms() default 500;

    @AttributeDefinition(name = "Hello timeout (ms)", min = "100", max = "60000",
            description = "How long a new stream may take to complete its hello before it is closed."
                    + " Milliseconds, 100 to 60000. Default: 2000.")
    int hello_timeout_ms() default 2000;

    @AttributeDefinition(name = "Largest message (bytes)", min = "65536", max = "268435456",
            description = "The largest message this node sends or accepts, counting its payload, subject and"
                    + " sender. Messages above 64 KiB travel in 64 KiB chunks that interleave with other"
                    + " traffic. Sends of larger messages are refused; a peer sending one is disconnected."
                    + " Set the same value on every member. Bytes, 65536 (64 KiB) to 268435456 (256 MiB), at"
                    + " most reassembly.max.bytes and outbound.queue.max.bytes. Default: 16777216 (16 MiB).")
    int message_max_bytes() default DEFAULT_MESSAGE_MAX_BYTES;

    @AttributeDefinition(name = "Reassembly limit (bytes)", min = "65536", max = "4294967296",
            description = "How many bytes of partly received chunked messages one stream may hold (each counts"
                    + " with its full declared size from its first chunk). A peer that exceeds it is"
                    + " disconnected; a sender never starts more than this many bytes of chunked messages at"
                    + " once, so set the same value on every member. Bytes, 65536 (64 KiB) to 4294967296"
                    + " (4 GiB), at least message.max.bytes. Default: 67108864 (64 MiB).")
    long reassembly_max_bytes() default DEFAULT_REASSEMBLY_MAX_BYTES;

    @AttributeDefinition(name = "Outbound queue limit (bytes)", min = "65536", max = "4294967296",
            description = "How many bytes may wait unsent on one stream before further sends on it are"
                    + " refused; at least message.max.bytes. Bytes, 65536 (64 KiB) to 4294967296 (4 GiB)."
                    + " Default: 67108864 (64 MiB).")
    long outbound_queue_max_bytes() default DEFAULT_OUTBOUND_QUEUE_MAX_BYTES;

    @AttributeDefinition(name = "Resend buffer limit (bytes)", min = "65536", max = "4294967296",
            description = "How many bytes sent to one member and not yet acknowledged are kept to send again"
                    + " after a reconnect; beyond it, further sends to that member are refused (RESEND_FULL),"
                    + " never dropped. At least message.max.bytes. Bytes, 65536 (64 KiB) to 4294967296"
                    + " (4 GiB). Default: 67108864 (64 MiB).")
    long delivery_resend_max_bytes() default DEFAULT_DELIVERY_RESEND_MAX_BYTES;

    @AttributeDefinition(name = "Credit window (messages)", min = "16", max = "1048576",
            description = "How many messages of one subject each member may have sent to this node and not"
                    + " yet seen consumed by the subject's subscriber. A slow subscriber slows only its own"
                    + " subject's senders. Messages, 16 to 1048576. Default: 4096.")
    int delivery_window_messages() default DEFAULT_DELIVERY_WINDOW_MESSAGES;

    @AttributeDefinition(name = "Credit window (bytes)", min = "65536", max = "4294967296",
            description = "How many payload bytes of one subject each member may have sent to this node and"
                    + " not yet seen consumed (a larger message still goes, alone). Bytes, 65536 (64 KiB) to"
                    + " 4294967296 (4 GiB). Default: 4194304 (4 MiB).")
    long delivery_window_bytes() default DEFAULT_DELIVERY_WINDOW_BYTES;

    @AttributeDefinition(name = "Resend linger (ms)", min = "100", max = "3600000",
            description = "How long what waits for a member is kept while the member has no stream; after"
                    + " that, what was never sent fails back to its senders (NodeUnreachableException) and"
                    + " sends to the member are refused until it is back, while what was sent and not"
                    + " acknowledged waits for the member's return, restart or removal. Milliseconds, 100 to"
                    + " 3600000. Default: 10000.")
    int delivery_linger_ms() default DEFAULT_DELIVERY_LINGER_MS;

    @AttributeDefinition(name = "At-most-once subjects", required = false,
            description = "Subjects sent at most once, comma-separated (telemetry that is stale once late):"
                    + " no acknowledgement, no resend, no credit; a full subscriber backlog drops them"
                    + " (counted). Default: empty (every subject is delivered once or its sender told).")
    String delivery_at_most_once_subjects() default "";

    @AttributeDefinition(name = "Heartbeat interval (ms)", min = "10", max = "10000",
            description = "How often each stream sends a heartbeat to its peer; it must be shorter than the"
                    + " hello timeout. Milliseconds, 10 to 10000. Default: 100.")
    int heartbeat_interval_ms() default 100;

    @AttributeDefinition(name = "Failure phi threshold", min = "1.0", max = "50.0",
            description = "The suspicion level (phi) of the phi-accrual failure detector above which a silent"
                    + " peer's stream is closed; higher waits longer. A decimal number, 1.0 to 50.0."
                    + " Default: 8.0.")
    double failure_phi_threshold() default 8.0;

    @AttributeDefinition(name = "Failure detector minimum deviation (ms)", min = "1", max = "10000",
            description = "The smallest spread (standard deviation) of heartbeat intervals the failure detector"
                    + " assumes, so that very regular heartbeats do not make it hair-trigger. Milliseconds,"
                    + " 1 to 10000. Default: 100.")
    int failure_min_stddev_ms() default 100;

    @AttributeDefinition(name = "Failure detector acceptable pause (ms)", min = "0", max = "60000",
            description = "A silence the failure detector tolerates on top of the usual heartbeat interval"
                    + " (garbage collection pauses, a loaded host). Milliseconds, 0 to 60000. Default: 800.")
    int failure_acceptable_pause_ms() default 800;

    @AttributeDefinition(name = "Leave timeout (ms)", min = "0", max = "60000",
            description = "How long stopping the cluster I/O (bundle stop, feature uninstall, Karaf shutdown)"
                    + " may take to leave gracefully: to say goodbye on every stream and wait for the peers to"
                    + " close them, so that they see this node as left at once instead of after the failure"
                    + " detector's verdict. Streams still open then are closed. Milliseconds, 0 to 60000."
                    + " Default: 3000.")
    int leave_timeout_ms() default DEFAULT_LEAVE_TIMEOUT_MS;

    // 16 to 1024 characters or empty: a length the web console cannot express, checked by the parser.
    @AttributeDefinition(name = "Cluster secret", type = AttributeType.PASSWORD, required = false,
            description = "A secret every member shares. When set, each new stream proves in its handshake that"
                    + " both sides know it (HMAC-SHA256 over fresh nonces from both sides; the secret never"
                    + " crosses the wire), and a peer without it, or with another one, is refused. Set it on"
                    + " every member or on none. 16 to 1024 characters; use a long random one."
                    + " Default: empty (no secret).")
    String cluster_secret() default "";

    @AttributeDefinition(name = "Mutual TLS", required = false,
            description = "Whether streams between members use TLS 1.3 with certificates on both sides. A peer"
                    + " whose certificate does not chain to the trust store, or whose certificate names another"
                    + " node than its hello claims (subject CN or a DNS subject alternative name equal to the node"
                    + " id), is refused. When on and a store is missing, unreadable or wrong, cluster I/O does not"
                    + " start: never plaintext. Set it on every member or on none. Default: false.")
    boolean tls_enabled() default false;

    @AttributeDefinition(name = "TLS key store", required = false,
            description = "This node's private key and certificate chain: a PKCS12 file (.p12, .pfx) or a PEM file"
                    + " (.pem, .crt) holding both. Required when tls.enabled is true. Default: empty.")
    String tls_keystore() default "";

    @AttributeDefinition(name = "TLS key store password", type = AttributeType.PASSWORD, required = false,
            description = "The key store's password, which is also its key's; empty for none. Default: empty.")
    String tls_keystore_password() default "";

    @AttributeDefinition(name = "TLS trust store", required = false,
            description = "The certificates a peer's certificate must chain to (usually the cluster's CA): a"
                    + " PKCS12 file (.p12, .pfx) or a PEM file (.pem, .crt). Required when tls.enabled is true."
                    + " Default: empty.")
    String tls_truststore() default "";

    @AttributeDefinition(name = "TLS trust store password", type = AttributeType.PASSWORD, required = false,
            description = "The trust store's password; empty for none. Default: empty.")
    String tls_truststore_password() default "";

    @AttributeDefinition(name = "TLS engine", required = false,
            description = "Which TLS implementation runs the streams: auto (Netty's OpenSSL engine where it loads,"
                    + " the JDK's otherwise), jdk, or openssl (cluster I/O does not start where OpenSSL does not"
                    + " load). Same protocol, ciphers' strength and checks either way; OpenSSL costs less CPU."
                    + " Default: auto.")
    String tls_engine() default "auto";
}
