package org.cohort.core.transport;

import java.util.function.Consumer;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.runtime.NodeRuntime;

/**
 * A {@link ConnectionManager} on the configuration in force that follows its edits live, at the
 * {@link ClusterConfiguration.Stage#TRANSPORT} stage (after the membership has heard of new members), from
 * {@link #start()} until {@link #close()}. {@link ConnectionManagerComponent} holds one in Karaf and
 * {@code NodeAssembly} one in plain Java: this is the one place that wiring is written.
 */
public final class ConfiguredConnections implements AutoCloseable {

    private final ClusterConfiguration configuration;
    private final ConnectionManager manager;
    private final Consumer<ClusterSettings> follower;
    private boolean following;

    /**
     * @param configuration the configuration in force: its settings now, its edits from {@link #start()}
     * @param incarnation this start of the node
     */
    public ConfiguredConnections(ClusterConfiguration configuration, ClusterNodesDelegate nodesDelegate,
            CommunicationsDelegate commsDelegate, long incarnation, NodeRuntime runtime) {
        this.configuration = configuration;
        this.manager = new ConnectionManager(configuration.settings(), nodesDelegate, commsDelegate, incarnation,
                runtime);
        this.follower = manager::reconfigure;
    }

    /** The connection manager, to send through and to read. */
    public ConnectionManager manager() {
        return manager;
    }

    /**
     * Starts the connection manager, then follows the configuration's edits.
     *
     * @throws IllegalStateException as {@link ConnectionManager#start()} does; nothing is left running then
     */
    public synchronized void start() {
        manager.start();
        if (!following) {
            configuration.addListener(ClusterConfiguration.Stage.TRANSPORT, follower);
            following = true;
        }
    }

    /** Stops following the configuration and stops the connection manager, every thread of it. */
    @Override
    public synchronized void close() {
        configuration.removeListener(follower);
        following = false;
        manager.stop();
    }
}
