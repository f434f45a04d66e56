package org.cohort.examples.membership;

import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs when a member becomes ACTIVE (its stream is up: messages to it are sent) or INACTIVE (its stream
 * closed or it fell silent: unicasts to it are refused). A whiteboard {@link ClusterEventListener}: Cohort
 * tells it every change for as long as the service is registered. The alternative is
 * {@code ClusterService.addListener} and {@code removeListener} in a component's activate and deactivate.
 *
 * <p>It is called on Cohort's membership thread, in order per member, and must return quickly: hand
 * anything slow (a resync with the node that came back, say) to an executor of your own.
 */
@Component(service = ClusterEventListener.class)
public class MembershipLogger implements ClusterEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipLogger.class);

    @Override
    public void event(ClusterEvent event) {
        switch (event.type()) {
            case ACTIVATED -> LOG.info("Example: {} is ACTIVE, messages to it are sent", event.member().id());
            // hasLeft(): it said goodbye as it stopped, rather than failing or being cut off.
            case DEACTIVATED -> LOG.info("Example: {} is INACTIVE{}, messages to it are refused until it is back",
                    event.member().id(), event.member().hasLeft() ? " (it left)" : "");
            default -> {
                // ADDED and REMOVED: the configured member list changed; the example does not care.
            }
        }
    }
}
