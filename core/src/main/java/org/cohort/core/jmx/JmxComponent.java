package org.cohort.core.jmx;

import java.lang.management.ManagementFactory;
import org.cohort.api.cluster.ClusterService;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.ClusterMessaging;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.transport.ClusterStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers Cohort's MBeans ({@link CohortMBeans}) in the platform MBean server while the cluster I/O
 * runs, and unregisters them when it stops.
 *
 * <p>The platform MBean server rather than Karaf's MBean whiteboard (services with a
 * {@code jmx.objectname} property, which the Aries JMX whiteboard of Karaf's {@code management} feature
 * registers): Karaf's JMX connector serves the platform MBean server (its
 * {@code locateExistingMBeanServerIfPossible} default), so the MBeans show over Karaf's
 * {@code service:jmx:rmi} URL either way; registering directly also works without the {@code management}
 * feature (jconsole attached to the process), registers and unregisters synchronously with the
 * membership, and reports a failure in Cohort's own log.
 */
@Component(immediate = true)
public class JmxComponent {

    private final CohortMBeans mbeans;

    @Activate
    public JmxComponent(
            @Reference(name = "status") ClusterStatus status,
            @Reference(name = "membership") MembershipView membership,
            @Reference(name = "cluster") ClusterService cluster,
            @Reference(name = "messaging") ClusterMessaging messaging,
            @Reference(name = "roundTripTimes") RoundTripTimes roundTripTimes) {
        mbeans = new CohortMBeans(ManagementFactory.getPlatformMBeanServer(), status, membership, cluster, messaging,
                roundTripTimes);
        mbeans.start();
    }

    @Deactivate
    void deactivate() {
        mbeans.close();
    }
}
