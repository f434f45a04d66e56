package org.cohort.embed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.ClusterSettingsParser;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A running Cohort node in plain Java: the same node a Karaf bundle runs, with the services sibling
 * bundles get there, and {@link #close()} to stop it.
 *
 * <pre>{@code
 * try (CohortNode node = CohortNode.builder()
 *         .set("node.id", "node-1")
 *         .set("members", "node-1@127.0.0.1:9876, node-2@127.0.0.2:9876")
 *         .start()) {
 *     node.communication().unicast(MessageSubject.of("app.hello"), "hi".getBytes(UTF_8), NodeId.of("node-2"));
 * }
 * }</pre>
 *
 * <p>Threads it starts, all named {@code cohort-*}, all stopped by {@link #close()}: the IO workers, the
 * listener, the custodian, node events, request timeouts and replies, and one per handler added with
 * {@link #addHandler}.
 */
@ProviderType
public final class CohortNode implements AutoCloseable {

    private final NodeAssembly assembly;

    private CohortNode(NodeAssembly assembly) {
        this.assembly = assembly;
    }

    /** @return a builder with every key at its default, as an empty {@code org.cohort.cluster.cfg} has */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this node's id ({@code node.id}) */
    public NodeId id() {
        return assembly.settings().localNodeId();
    }

    /** @return unicast, broadcast, request/reply and subscriptions, as {@link ClusterCommunicationService} */
    public ClusterCommunicationService communication() {
        return assembly.communicator();
    }

    /** @return the members and their state, and membership events */
    public ClusterService cluster() {
        return assembly.cluster();
    }

    /** @return raw messages by node id, as the {@link MessageSender} service */
    public MessageSender sender() {
        return assembly.sender();
    }

    /**
     * @return the embedder's view of serialization: a type registered by name loads through the class
     *     loader that loaded Cohort; what is registered stays until {@link #close()}
     */
    public SerializationService serialization() {
        return assembly.serialization();
    }

    /**
     * Subscribes a handler to a subject, as publishing it as a whiteboard {@link MessageHandler} service
     * does in Karaf: on a thread of its own, one message at a time, its return value the reply. It gets
     * what any API sends on the subject (plain {@link MessageSender} messages as one-way ones), and the
     * sender's id if it overrides {@link MessageHandler#handle(NodeId, byte[])}.
     *
     * @return the subscription; closing it stops the handler's thread
     */
    public Subscription addHandler(MessageSubject subject, MessageHandler handler) {
        return assembly.addHandler(subject, handler);
    }

    /**
     * Leaves the cluster gracefully (a goodbye on every stream, then at most {@code leave.timeout.ms} for
     * the peers to close them: they see this node left, not failed), closes every stream and stops every
     * thread this node started. Calling it again does nothing.
     */
    @Override
    public void close() {
        assembly.close();
    }

    @Override
    public String toString() {
        return "Cohort node " + id();
    }

    /**
     * The settings of a node, by the keys of {@code etc/org.cohort.cluster.cfg} (documented in
     * docs/configuration.md); a key not set takes its default.
     */
    @ProviderType
    public static final class Builder {

        private final Map<String, Object> properties = new LinkedHashMap<>();
        private CommunicationsDelegate fallbackDelegate;

        private Builder() {
        }

        /**
         * Sets one key, as a line of the .cfg file would.
         *
         * @param key the key, such as {@code node.id} or {@code members}
         * @param value its value; text as in the file, or a number or boolean
         * @return this builder
         */
        public Builder set(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets every key of a map, such as the contents of a .cfg file read as {@link java.util.Properties}.
         *
         * @return this builder
         */
        public Builder config(Map<String, ?> config) {
            config.forEach(this::set);
            return this;
        }

        /**
         * Gives the messages whose subject no subscriber of this node claims to a delegate of the
         * embedder's, as a sibling bundle's own {@link CommunicationsDelegate} service gets them in Karaf;
         * it is handed the {@link MessageSender} too. Requests are not handed over (the delegate could
         * not answer them): without a subscriber they are answered "no handler", as every unclaimed
         * message is when there is no delegate.
         *
         * @param delegate the delegate; it is called on IO threads and must hand work off, not block
         * @return this builder
         */
        public Builder fallbackDelegate(CommunicationsDelegate delegate) {
            this.fallbackDelegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * Validates the settings and starts the node: it listens on its own member's address and dials
         * the others.
         *
         * @return the running node
         * @throws IllegalArgumentException if a setting is refused; its message is the one line a Karaf
         *     node logs, such as {@code org.cohort.cluster: members = 'n1@300.1.1.1:9876' refused: ...}
         * @throws IllegalStateException if the node cannot listen, or TLS is on and its stores cannot be
         *     read
         */
        public CohortNode start() {
            ClusterSettings settings;
            try {
                settings = ClusterSettingsParser.parse(properties);
            } catch (InvalidConfigurationException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            NodeAssembly.Builder builder = NodeAssembly.builder(settings);
            if (fallbackDelegate != null) {
                builder.fallbackDelegate(fallbackDelegate);
            }
            NodeAssembly assembly = builder.build();
            try {
                assembly.start();
            } catch (RuntimeException e) {
                assembly.close();
                throw e;
            }
            return new CohortNode(assembly);
        }
    }
}
