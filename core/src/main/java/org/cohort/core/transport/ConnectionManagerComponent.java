package org.cohort.core.transport;

import java.util.Map;
import java.util.SortedMap;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.cohort.core.config.ClusterConfig;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.delivery.EnvelopeSender;
import org.cohort.core.membership.NodeIncarnation;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connection manager and publishes it as the {@link MessageSender}.
 *
 * <p>The delegates it binds are core's own by default ({@code cohort.delegate=core}), so that no bundle
 * can capture the cluster's traffic by registering a delegate of its own; an operator who means to
 * replace one sets {@code nodesDelegate.target} or {@code commsDelegate.target} in
 * {@code etc/org.cohort.cluster.cfg}. Every other key reaches it through the validated
 * {@link ClusterConfiguration}, whose edits it applies live ({@link ConfiguredConnections}).
 */
@Component(immediate = true, service = {MessageSender.class, ClusterStatus.class, StreamControl.class}, configurationPid = ClusterConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class ConnectionManagerComponent implements MessageSender, EnvelopeSender, ClusterStatus, StreamControl {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManagerComponent.class);

    private final ConfiguredConnections connections;
    private final ConnectionManager manager;

    @Activate
    public ConnectionManagerComponent(
            @Reference(name = "configuration") ClusterConfiguration configuration,
            @Reference(name = "nodesDelegate", target = "(cohort.delegate=core)") ClusterNodesDelegate nodesDelegate,
            @Reference(name = "commsDelegate", target = "(cohort.delegate=core)") CommunicationsDelegate commsDelegate,
            @Reference(name = "incarnation") NodeIncarnation incarnation,
            @Reference(name = "runtime") NodeRuntime runtime) {
        connections = new ConfiguredConnections(configuration, nodesDelegate, commsDelegate, incarnation.value(),
                runtime);
        manager = connections.manager();
        try {
            connections.start();
        } catch (RuntimeException e) {
            LOG.error("Cluster I/O not started: {}", e.getMessage());
            throw e;
        }
    }

    /** Keys other than the reference targets arrive through ClusterSettings; nothing to do here. */
    @Modified
    void modified() {
        // Present so that a config edit does not restart the component twice.
    }

    @Deactivate
    void deactivate() {
        connections.close();
    }

    @Override
    public boolean send(NodeId nodeId, ClusterMessage message) {
        return manager.send(nodeId, message);
    }

    @Override
    public SendResult trySend(NodeId nodeId, ClusterMessage message) {
        return manager.trySend(nodeId, message);
    }

    @Override
    public SendResult send(NodeId nodeId, MessageSubject subject, byte[] payload, byte kind, long requestId,
            byte status) {
        return manager.send(nodeId, subject, payload, kind, requestId, status);
    }

    @Override
    public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
        return manager.deliver(nodeId, message, deadline);
    }

    @Override
    public boolean dropStream(NodeId peer, boolean reset) {
        return manager.dropStream(peer, reset);
    }

    @Override
    public long incarnation() {
        return manager.incarnation();
    }

    @Override
    public String tlsEngine() {
        return manager.tlsEngine();
    }

    @Override
    public ClusterSettings settings() {
        return manager.settings();
    }

    @Override
    public Map<String, Long> counters() {
        return manager.counters();
    }

    @Override
    public Map<String, Long> handshakesRefusedByReason() {
        return manager.handshakesRefusedByReason();
    }

    @Override
    public SortedMap<NodeId, PeerStats> peers() {
        return manager.peers();
    }

    @Override
    public SortedMap<String, Map<String, Long>> deliveryBySubject() {
        return manager.deliveryBySubject();
    }
}
