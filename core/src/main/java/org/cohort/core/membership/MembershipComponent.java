package org.cohort.core.membership;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ClusterNodesDelegate}: keeps a {@link MembershipTable} of the configured members,
 * logs each transition, and publishes the table read-only as {@link MembershipView}.
 *
 * <p>Local incarnation: membership is not told this node's own incarnation (the hello code owns it),
 * so the local node shows incarnation 0.
 */
@Component(
        service = {ClusterNodesDelegate.class, MembershipView.class},
        property = "cohort.delegate=core")
public class MembershipComponent implements ClusterNodesDelegate, MembershipView {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipComponent.class);

    /** The local incarnation shown until membership can learn the real one. */
    static final long UNKNOWN_LOCAL_INCARNATION = 0L;

    private final Clock clock;
    private final MembershipTable table;

    @Activate
    public MembershipComponent(@Reference(name = "settings") ClusterSettings settings) {
        this(settings, Clock.systemUTC());
    }

    MembershipComponent(ClusterSettings settings, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.table = new MembershipTable(settings, UNKNOWN_LOCAL_INCARNATION, clock.instant());
        table.addListener(MembershipComponent::logTransition);
        LOG.debug("Membership of cluster {} started: local node {}, {} members",
                settings.clusterName(), settings.localNodeId(), settings.members().size());
    }

    @Override
    public void nodeDetected(ControllerNode node, long incarnation) {
        table.nodeDetected(node, incarnation, clock.instant());
    }

    @Override
    public void nodeVanished(NodeId nodeId) {
        table.nodeVanished(nodeId, clock.instant());
    }

    @Override
    public List<MemberState> members() {
        return table.members();
    }

    @Override
    public Optional<MemberState> member(NodeId nodeId) {
        return table.member(nodeId);
    }

    private static void logTransition(MemberState state) {
        if (state.isActive()) {
            LOG.info("Node {} is ACTIVE (incarnation {})", state.id(), state.incarnation());
        } else {
            LOG.info("Node {} is INACTIVE", state.id());
        }
    }
}
