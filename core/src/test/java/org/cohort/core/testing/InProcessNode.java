package org.cohort.core.testing;

import org.cohort.core.config.ClusterSettings;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.ClusterMessaging;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.transport.ConnectionManager;

/**
 * One node of an {@link InProcessCluster}: its {@link NodeAssembly} and, for the tests, the parts they
 * read, under the names the tests use. The recorders are null on a whole node.
 */
public final class InProcessNode {

    public final NodeAssembly assembly;
    public final ClusterSettings settings;
    public final long incarnation;
    /** The transport's internals: streams, counters, worker loads. Started and stopped through the node. */
    public final ConnectionManager manager;
    public final ClusterCommunicator communicator;
    public final MembershipView membership;
    public final ClusterMessaging comms;
    public final RoundTripTimes roundTripTimes;
    /** The node's ClusterService, counting the listeners added through it. */
    public final ListenerCountingClusterService clusterService;
    public final RecordingNodes nodesDelegate;
    public final RecordingComms commsDelegate;

    InProcessNode(NodeAssembly assembly, RecordingNodes nodesDelegate, RecordingComms commsDelegate) {
        this.assembly = assembly;
        this.settings = assembly.settings();
        this.incarnation = assembly.incarnation();
        this.manager = assembly.connections();
        this.communicator = assembly.communicator();
        this.membership = assembly.membership();
        this.comms = assembly.messaging();
        this.roundTripTimes = assembly.roundTripTimes();
        this.clusterService = new ListenerCountingClusterService(assembly.cluster());
        this.nodesDelegate = nodesDelegate;
        this.commsDelegate = commsDelegate;
    }

    /** Listens and dials. */
    public void start() {
        assembly.start();
    }

    /** Stops every thread of the node; a stopped node is not started again (create a new one). */
    public void stop() {
        assembly.close();
    }

    /** Applies a configuration edit live, as ConfigAdmin does in Karaf. */
    public void reconfigure(ClusterSettings next) {
        assembly.reconfigure(next);
    }
}
