package org.cohort.core.jmx;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.membership.MemberState;
import org.cohort.core.stats.CohortStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Cohort's MBeans registered in one MBean server: {@value ClusterBean#OBJECT_NAME} and one
 * {@code org.cohort:type=Peer,name=<nodeId>} per current member. Starts no thread.
 *
 * <p>The peer MBeans follow the membership without polling: every cluster event (a member activated or
 * deactivated, joined or left) brings them up to date on the thread that reports it. As a safety net
 * for a change that raises no event, reading the cluster MBean does the same, and reading the MBean of
 * a node that is no longer a member unregisters it.
 */
public final class CohortMBeans implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CohortMBeans.class);

    private final MBeanServer server;
    private final CohortStats stats;
    private final ClusterService cluster;
    private final ObjectName clusterName;
    private final ClusterBean clusterBean;
    private final ClusterEventListener listener = event -> reconcile();
    private final Map<NodeId, ObjectName> peers = new TreeMap<>();
    private final Map<String, ObjectName> subjects = new TreeMap<>();
    private boolean clusterRegistered;
    private boolean started;
    private boolean closed;

    /**
     * @param server the MBean server to register in
     * @param stats the figures the MBeans show, the same the shell reads; the peer MBeans follow its members
     * @param cluster tells of membership changes
     */
    public CohortMBeans(MBeanServer server, CohortStats stats, ClusterService cluster) {
        this.server = Objects.requireNonNull(server, "server");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        try {
            clusterName = new ObjectName(ClusterBean.OBJECT_NAME);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
        clusterBean = new ClusterBean(stats, this::reconcile);
    }

    /** Registers the cluster MBean and one MBean per member, and starts following the membership. */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        clusterRegistered = register(clusterBean, clusterName);
        cluster.addListener(listener);
        reconcile();
        LOG.info("JMX: {} and {} registered", ClusterBean.OBJECT_NAME, PeerBean.OBJECT_NAME_PATTERN);
    }

    /** Registers an MBean for every member that has none and unregisters those of former members. */
    synchronized void reconcile() {
        if (!started || closed) {
            return;
        }
        Set<NodeId> members = new LinkedHashSet<>();
        for (MemberState member : stats.members()) {
            members.add(member.id());
        }
        for (NodeId gone : List.copyOf(peers.keySet())) {
            if (!members.contains(gone)) {
                unregister(peers.remove(gone));
                LOG.debug("JMX: unregistered the MBean of former member {}", gone);
            }
        }
        for (NodeId member : members) {
            if (!peers.containsKey(member)) {
                ObjectName name = PeerBean.objectName(member);
                if (register(new PeerBean(member, stats, this::reconcile), name)) {
                    peers.put(member, name);
                    LOG.debug("JMX: registered {}", name);
                }
            }
        }
        // Subjects only appear (a node sends on a bounded set of them; see SubjectTallies).
        for (String subject : stats.deliveryBySubject().keySet()) {
            if (!subjects.containsKey(subject)) {
                ObjectName name = SubjectDeliveryBean.objectName(subject);
                if (register(new SubjectDeliveryBean(subject, stats), name)) {
                    subjects.put(subject, name);
                }
            }
        }
    }

    /** Returns the names of the MBeans registered now. */
    synchronized Set<ObjectName> registered() {
        Set<ObjectName> names = new LinkedHashSet<>();
        if (clusterRegistered) {
            names.add(clusterName);
        }
        names.addAll(peers.values());
        names.addAll(subjects.values());
        return names;
    }

    /** Stops following the membership and unregisters every MBean. Calling again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cluster.removeListener(listener);
        peers.values().forEach(this::unregister);
        peers.clear();
        subjects.values().forEach(this::unregister);
        subjects.clear();
        if (clusterRegistered) {
            unregister(clusterName);
            clusterRegistered = false;
        }
    }

    private boolean register(Object mbean, ObjectName name) {
        try {
            server.registerMBean(mbean, name);
            return true;
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("JMX: {} is already registered by someone else; not registering Cohort's", name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("JMX: cannot register {}: {}", name, e.toString());
        }
        return false;
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            LOG.debug("JMX: {} was already unregistered", name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("JMX: cannot unregister {}: {}", name, e.toString());
        }
    }
}
