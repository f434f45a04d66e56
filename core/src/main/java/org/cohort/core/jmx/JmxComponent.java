package org.cohort.core.jmx;

import java.lang.management.ManagementFactory;
import org.cohort.api.cluster.ClusterService;
import org.cohort.core.stats.CohortStats;
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
            @Reference(name = "stats") CohortStats stats,
            @Reference(name = "cluster") ClusterService cluster) {
        mbeans = new CohortMBeans(ManagementFactory.getPlatformMBeanServer(), stats, cluster);
        mbeans.start();
    }

    @Deactivate
    void deactivate() {
        mbeans.close();
    }
}
