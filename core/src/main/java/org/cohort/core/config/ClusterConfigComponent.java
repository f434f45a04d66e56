package org.cohort.core.config;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads ConfigAdmin PID {@value ClusterConfig#PID} and publishes it, once validated, as the
 * {@link ClusterConfiguration} service every other Cohort component references. An invalid configuration
 * is logged in one line and publishes nothing, so nothing downstream half-starts; an invalid edit keeps
 * the running configuration and is remembered for {@code cluster:config}. A valid edit that keeps this
 * node's identity is applied live through the service's listeners; one that changes the identity
 * replaces the service, which restarts the components bound to it. The decisions are
 * {@link SettingsHolder}'s; this class only carries them out.
 *
 * <p>It takes the raw properties rather than a DS-converted {@link ClusterConfig}: DS would match keys by
 * case and turn "12x" into 0 before anything could refuse it ({@link ClusterSettingsParser} checks, then
 * converts).
 *
 * <p>Why the service is registered by hand and not declared as this component's DS service: DS registers a
 * component's service before (or whether or not) its configuration proves valid, offers no way to keep the
 * service on a refused edit while remembering it, and re-registers on every edit or on none, where only an
 * identity change may restart the dependents. Hand registration does exactly that in a dozen lines. As bnd
 * then cannot see the service, the {@link Capability} declares it, for the components'
 * {@code @Reference ClusterConfiguration} requirements: Karaf's feature resolver refuses a bundle whose
 * {@code osgi.service} requirements nothing provides.
 */
@Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"org.cohort.core.config.ClusterConfiguration\"",
        uses = ClusterConfiguration.class)
@Component(
        service = {},
        immediate = true,
        configurationPid = ClusterConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ClusterConfig.class)
public class ClusterConfigComponent {

    /** Service property of the {@link ClusterConfiguration} service: this node's id. */
    public static final String NODE_ID_PROPERTY = "cohort.node.id";

    /** Service property of the {@link ClusterConfiguration} service: the cluster name. */
    public static final String CLUSTER_NAME_PROPERTY = "cohort.cluster.name";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfigComponent.class);

    private final BundleContext context;
    private final SettingsHolder holder = new SettingsHolder();
    private ServiceRegistration<ClusterConfiguration> registration;
    private ConfigurationInForce inForce;

    @Activate
    public ClusterConfigComponent(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        synchronized (this) {
            carryOut(holder.configure(properties));
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        carryOut(holder.configure(properties));
    }

    @Deactivate
    synchronized void deactivate() {
        carryOut(holder.clear());
    }

    private void carryOut(SettingsHolder.Decision decision) {
        if (decision instanceof SettingsHolder.Publish publish) {
            register(publish.settings());
            LOG.info("Cluster configuration in force: {}", describe(publish.settings()));
        } else if (decision instanceof SettingsHolder.Update update) {
            LOG.info("Cluster configuration changed, applying it live: {}",
                    SettingsProperties.describeChange(update.previous(), update.next()));
            inForce.update(update.next());
        } else if (decision instanceof SettingsHolder.Replace replace) {
            LOG.info("Cluster configuration changed this node's identity ({}); restarting cluster I/O",
                    SettingsProperties.describeChange(replace.previous(), replace.next()));
            unregister();
            register(replace.next());
            LOG.info("Cluster configuration in force: {}", describe(replace.next()));
        } else if (decision instanceof SettingsHolder.Withdraw) {
            unregister();
        } else if (decision instanceof SettingsHolder.Refuse refuse) {
            LOG.error(refuse.logLine());
            if (inForce != null) {
                inForce.rejected(refuse.error());
            }
        } else {
            LOG.debug("Cluster configuration unchanged");
            if (inForce != null) {
                inForce.rejectionWithdrawn();
            }
        }
    }

    private void register(ClusterSettings settings) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(NODE_ID_PROPERTY, settings.localNodeId().id());
        properties.put(CLUSTER_NAME_PROPERTY, settings.clusterName());
        inForce = new ConfigurationInForce(settings);
        registration = context.registerService(ClusterConfiguration.class, inForce, properties);
    }

    private void unregister() {
        ServiceRegistration<ClusterConfiguration> current = registration;
        registration = null;
        inForce = null;
        if (current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework already unregistered it: the bundle is stopping
            }
        }
    }

    private static String describe(ClusterSettings settings) {
        return "cluster " + settings.clusterName() + ", node " + settings.localNodeId() + ", members "
                + settings.members() + ", " + settings.ioWorkers() + " IO workers, custodian every "
                + settings.custodianInterval().toMillis() + " ms, connect timeout "
                + settings.connectTimeout().toMillis() + " ms, reconnect backoff up to "
                + settings.reconnectBackoffMax().toMillis() + " ms, hello timeout "
                + settings.helloTimeout().toMillis() + " ms, messages up to " + settings.maxMessageBytes()
                + " bytes, reassembly up to " + settings.maxReassemblyBytes() + " bytes per stream, outbound queue up to " + settings.outboundQueueBytes() + " bytes, heartbeats every "
                + settings.failureDetection().heartbeatInterval().toMillis() + " ms (phi threshold "
                + settings.failureDetection().phiThreshold() + ", min stddev "
                + settings.failureDetection().minStdDeviation().toMillis() + " ms, acceptable pause "
                + settings.failureDetection().acceptablePause().toMillis() + " ms)";
    }
}
