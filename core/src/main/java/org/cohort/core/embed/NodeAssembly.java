package org.cohort.core.embed;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.ConfigurationInForce;
import org.cohort.core.membership.ClusterMembership;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.membership.NodeIncarnation;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.ClusterMessaging;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.messaging.HandlerSubscription;
import org.cohort.core.messaging.PingResponderComponent;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.core.transport.ClusterStatus;
import org.cohort.core.transport.ConfiguredConnections;
import org.cohort.core.transport.ConnectionManager;

/**
 * One Cohort node, wired in plain Java from the same objects its DS components hold in Karaf: the
 * configuration in force, the serialization runtime and a view of it, the membership, the subject
 * dispatcher, the connection manager, the cluster communicator and the ping responder. {@link #start()}
 * listens and dials; {@link #close()} stops every thread the node started, in the order Karaf deactivates
 * the components.
 *
 * <p>Edits of the configuration reach the running parts as ConfigAdmin edits do in Karaf:
 * {@link #reconfigure} (membership first, then the transport).
 *
 * <p>Public for plain-Java callers inside Cohort (tests, the benchmark, the simulator), which may also read
 * internals through {@link #connections()}; an application uses {@link org.cohort.embed.CohortNode}.
 */
public final class NodeAssembly implements AutoCloseable {

    private final NodeRuntime runtime;
    private final ConfigurationInForce configuration;
    private final long incarnation;
    private final KryoSerialization serializationRuntime;
    private final OwnedSerializationService serialization;
    private final ClusterMembership membership;
    private final CommunicationsComponent communications;
    private final ConfiguredConnections transport;
    private final ConnectionManager connections;
    private final ClusterCommunicator communicator;
    private final HandlerSubscription pings;
    private final RoundTripTimes roundTripTimes = new RoundTripTimes();
    private final Set<HandlerSubscription> handlers = ConcurrentHashMap.newKeySet();
    private boolean closed;

    private NodeAssembly(Builder builder) {
        runtime = builder.runtime;
        configuration = new ConfigurationInForce(builder.settings);
        incarnation = builder.incarnation != null ? builder.incarnation : new NodeIncarnation(builder.runtime).value();
        serializationRuntime = new KryoSerialization();
        serialization = new OwnedSerializationService(serializationRuntime, "node " + builder.settings.localNodeId(),
                builder.classLoader::loadClass);
        membership = new ClusterMembership(configuration, incarnation, builder.runtime.clock());
        communications = new CommunicationsComponent();
        if (builder.fallbackDelegate != null) {
            communications.bindFallback(builder.fallbackDelegate);
        }
        ClusterNodesDelegate nodesDelegate = builder.nodesDelegate != null ? builder.nodesDelegate : membership;
        CommunicationsDelegate commsDelegate = builder.commsDelegate != null ? builder.commsDelegate : communications;
        transport = new ConfiguredConnections(configuration, nodesDelegate, commsDelegate, incarnation,
                builder.runtime);
        connections = transport.manager();
        communicator = new ClusterCommunicator(builder.settings.localNodeId(), communications, connections,
                membership, builder.runtime);
        // Other nodes' cluster:ping reaches an embedded node as it reaches a Karaf one.
        pings = PingResponderComponent.answerPings(communicator, builder.runtime.scheduling());
    }

    /**
     * @param settings the node's settings, such as {@code ClusterSettingsParser.parse} returns
     * @return a builder with the production runtime and core's own delegates
     */
    public static Builder builder(ClusterSettings settings) {
        return new Builder(settings);
    }

    /**
     * Starts the transport: binds the listener and starts dialing the other members.
     *
     * @throws IllegalStateException if the listener cannot bind or the TLS stores cannot be read; what was
     *     started is stopped again, and {@link #close()} still stops the rest
     */
    public void start() {
        transport.start();
    }

    /** Applies an edit of the configuration to the running node, as a ConfigAdmin edit in Karaf does. */
    public void reconfigure(ClusterSettings next) {
        configuration.update(next);
    }

    /**
     * Subscribes a handler to a subject as the whiteboard subscribes a {@link MessageHandler} service, on a
     * thread of its own that {@link #close()} stops if the subscription is not closed before.
     */
    public Subscription addHandler(MessageSubject subject, MessageHandler handler) {
        HandlerSubscription subscription = HandlerSubscription.subscribe(communicator, subject, handler,
                runtime.scheduling());
        handlers.add(subscription);
        return new Subscription() {
            @Override
            public MessageSubject subject() {
                return subscription.subject();
            }

            @Override
            public void close() {
                handlers.remove(subscription);
                subscription.close();
            }
        };
    }

    // ---- the API services ----

    /** The {@link ClusterCommunicationService}, with its counters for tests and tools. */
    public ClusterCommunicator communicator() {
        return communicator;
    }

    public ClusterService cluster() {
        return membership;
    }

    public MessageSender sender() {
        return connections;
    }

    /** The embedder's own view of serialization; its registrations go when the node closes. */
    public SerializationService serialization() {
        return serialization;
    }

    // ---- core's own faces, for the shell's and JMX's equivalents in tests and tools ----

    public ClusterSettings settings() {
        return configuration.settings();
    }

    public long incarnation() {
        return incarnation;
    }

    public ClusterConfiguration configuration() {
        return configuration;
    }

    public MembershipView membership() {
        return membership;
    }

    public ClusterMessaging messaging() {
        return communications;
    }

    public ClusterStatus status() {
        return connections;
    }

    public RoundTripTimes roundTripTimes() {
        return roundTripTimes;
    }

    /** The serialization runtime, for another view of it ({@code new OwnedSerializationService(...)}). */
    public KryoSerialization serializationRuntime() {
        return serializationRuntime;
    }

    /**
     * The node's transport, for tests and tools that read what no service shows (the streams, the
     * workers' loads). Not to be started or stopped here: {@link #start()} and {@link #close()} do.
     */
    public ConnectionManager connections() {
        return connections;
    }

    /**
     * Stops the node in the order Karaf deactivates its components: the handlers and the ping responder,
     * the communicator (failing the requests still waiting), the transport (every stream, every IO
     * thread), then the dispatcher, the membership and the serialization view. Calling it again does
     * nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        handlers.forEach(HandlerSubscription::close);
        handlers.clear();
        pings.close();
        communicator.close();
        transport.close();
        communications.close();
        membership.close();
        serialization.close();
    }

    @Override
    public String toString() {
        return "node " + settings().localNodeId() + " (incarnation " + incarnation + ")";
    }

    /** What a node is built from; everything but the settings has a default. */
    public static final class Builder {

        private final ClusterSettings settings;
        private NodeRuntime runtime = NodeRuntime.production();
        private Long incarnation;
        private ClusterNodesDelegate nodesDelegate;
        private CommunicationsDelegate commsDelegate;
        private CommunicationsDelegate fallbackDelegate;
        private ClassLoader classLoader = NodeAssembly.class.getClassLoader();

        private Builder(ClusterSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Time, randomness, scheduling and the network; production's by default. */
        public Builder runtime(NodeRuntime nodeRuntime) {
            this.runtime = Objects.requireNonNull(nodeRuntime, "runtime");
            return this;
        }

        /** This start of the node; by default a new {@link NodeIncarnation} on the runtime's clock. */
        public Builder incarnation(long value) {
            this.incarnation = value;
            return this;
        }

        /**
         * Replaces core's membership as the transport's {@link ClusterNodesDelegate}, as
         * {@code nodesDelegate.target} does in Karaf: the membership then hears of no node.
         */
        public Builder nodesDelegate(ClusterNodesDelegate delegate) {
            this.nodesDelegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * Replaces core's dispatcher as the transport's {@link CommunicationsDelegate}, as
         * {@code commsDelegate.target} does in Karaf: subscribers then receive nothing.
         */
        public Builder communicationsDelegate(CommunicationsDelegate delegate) {
            this.commsDelegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * Adds a delegate beside core's dispatcher that takes the messages whose subject no subscriber
         * here claims (requests excepted), as a sibling's own {@link CommunicationsDelegate} service does
         * in Karaf; it is handed the sender too. Without one, such messages count as having no handler.
         */
        public Builder fallbackDelegate(CommunicationsDelegate delegate) {
            this.fallbackDelegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /** Where the serialization view loads classes registered by name; Cohort's own loader by default. */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** @return the node, built and not yet started */
        public NodeAssembly build() {
            return new NodeAssembly(this);
        }
    }
}
