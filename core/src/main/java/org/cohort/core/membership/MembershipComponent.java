package org.cohort.core.membership;

import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ClusterService;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Publishes core's {@link ClusterMembership} as the default {@link ClusterNodesDelegate}, as
 * {@link MembershipView} and as the {@link ClusterService}, and adds the {@link ClusterEventListener}
 * services sibling bundles publish (whiteboard) as listeners.
 */
@Component(
        service = {ClusterNodesDelegate.class, MembershipView.class, ClusterService.class},
        property = "cohort.delegate=core")
public class MembershipComponent extends ClusterMembership {

    @Activate
    public MembershipComponent(@Reference(name = "configuration") ClusterConfiguration configuration,
            @Reference(name = "incarnation") NodeIncarnation incarnation,
            @Reference(name = "runtime") NodeRuntime runtime) {
        super(configuration, incarnation.value(), runtime.clock());
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    @Reference(name = "listeners", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            service = ClusterEventListener.class)
    public void addListener(ClusterEventListener listener) {
        super.addListener(listener);
    }

    @Override
    public void removeListener(ClusterEventListener listener) {
        super.removeListener(listener);
    }
}
