package org.cohort.core.jmx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.management.MBeanException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.SimpleType;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.membership.MemberState;
import org.cohort.core.stats.CohortStats;
import org.cohort.core.transport.PeerStats;

/**
 * {@code org.cohort:type=Peer,name=<nodeId>}: one member as {@code cluster:nodes} shows it (address,
 * state, since, incarnation, last round trip) and its traffic as {@code cluster:stats} shows it. The
 * attributes carry those commands' JSON names, capitalized ({@code id} is {@code NodeId}).
 *
 * <p>There is one for every member, this node included ({@code Local} true); this node has no stream to
 * itself, so its traffic figures stay 0 and {@code Connected} false.
 */
public final class PeerBean extends ReadOnlyMBean {

    /** The object name of every peer MBean, as a pattern. */
    public static final String OBJECT_NAME_PATTERN = "org.cohort:type=Peer,name=*";

    private final NodeId nodeId;
    private final CohortStats stats;
    private final Runnable onGone;

    /**
     * @param nodeId the member
     * @param stats the figures of the running cluster I/O, the same that cluster:nodes and cluster:stats read
     * @param onGone run when a read finds that the node is no longer a member
     */
    PeerBean(NodeId nodeId, CohortStats stats, Runnable onGone) {
        super("One member of the Cohort cluster as this node sees it (cluster:nodes and the peer figures of "
                + "cluster:stats)", concat(List.of(
                new Definition("NodeId", "The member's id", SimpleType.STRING),
                new Definition("Address", "The member's configured address and cluster port", SimpleType.STRING),
                new Definition("Local", "Whether the member is this node", SimpleType.BOOLEAN),
                new Definition("State", "ACTIVE (hello completed, stream up; this node always) or INACTIVE",
                        SimpleType.STRING),
                new Definition("Left", "Whether the member is INACTIVE because it said goodbye as it stopped"
                        + " (left on purpose) rather than failing; cleared when it is back", SimpleType.BOOLEAN),
                new Definition("Since", "When the state or incarnation last changed, in milliseconds since the epoch",
                        SimpleType.LONG),
                new Definition("Incarnation", "The incarnation the member's last hello carried; 0 if never seen",
                        SimpleType.LONG),
                new Definition("LastRttMicros",
                        "The last request/reply round trip cluster:ping measured, in microseconds; -1 before any",
                        SimpleType.LONG),
                new Definition("Connected", "Whether there is a live stream to the member now", SimpleType.BOOLEAN),
                new Definition("MessagesIn", "Messages received from the member", SimpleType.LONG),
                new Definition("MessagesOut", "Messages written to the member", SimpleType.LONG),
                new Definition("BytesIn", "Bytes read from the member's streams, framing included", SimpleType.LONG),
                new Definition("BytesOut", "Bytes written to the member's streams, framing included",
                        SimpleType.LONG),
                new Definition("QueueBytes", "Bytes queued for the member and not yet written", SimpleType.LONG),
                new Definition("Reconnects", "Streams opened to the member after the first", SimpleType.LONG),
                new Definition("ResendBytes", "Bytes written to the member and not yet acknowledged, kept to send "
                        + "again after a reconnect (at most delivery.resend.max.bytes)", SimpleType.LONG)),
                deliveryDefinitions()));
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.onGone = Objects.requireNonNull(onGone, "onGone");
    }

    private static List<Definition> concat(List<Definition> first, List<Definition> second) {
        List<Definition> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** One attribute per delivery counter of cluster:stats' peer figures: DeliverySent, DeliveryFailedBackLeft... */
    private static List<Definition> deliveryDefinitions() {
        return PeerStats.deliveryKeys().stream().map(key -> new Definition(ClusterBean.counterAttribute("delivery." + key),
                "Messages accepted for the member: " + key + " (cluster:stats peers.ID.delivery)", SimpleType.LONG))
                .toList();
    }

    /**
     * Returns the object name of a member's MBean. The id is quoted only if the JMX syntax requires it (a
     * node id may hold ':'), so that {@code name=node-1} stays as an operator types it.
     *
     * @param nodeId the member
     * @return {@code org.cohort:type=Peer,name=<nodeId>}
     */
    public static ObjectName objectName(NodeId nodeId) {
        String id = nodeId.id();
        boolean plain = id.chars().noneMatch(c -> c == ':' || c == ',' || c == '=' || c == '"' || c == '*'
                || c == '?' || c == '\n');
        try {
            return new ObjectName("org.cohort:type=Peer,name=" + (plain ? id : ObjectName.quote(id)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no object name for node id " + id, e);
        }
    }

    NodeId nodeId() {
        return nodeId;
    }

    @Override
    Map<String, Object> values() throws MBeanException {
        Optional<MemberState> found = stats.member(nodeId);
        if (found.isEmpty()) {
            onGone.run();
            throw new MBeanException(new IllegalStateException(nodeId + " is no longer a member of the cluster"));
        }
        MemberState member = found.get();
        PeerStats traffic = stats.peers().get(nodeId);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("NodeId", nodeId.id());
        values.put("Address", member.node().ip().getHostAddress() + ":" + member.node().tcpPort());
        values.put("Local", nodeId.equals(stats.settings().localNodeId()));
        values.put("State", member.state().name());
        values.put("Left", member.left());
        values.put("Since", member.since().toEpochMilli());
        values.put("Incarnation", member.incarnation());
        values.put("LastRttMicros", stats.lastRoundTrip(nodeId).map(rtt -> rtt.toNanos() / 1_000).orElse(-1L));
        values.put("Connected", traffic != null && traffic.connected());
        values.put("MessagesIn", traffic == null ? 0L : traffic.messagesIn());
        values.put("MessagesOut", traffic == null ? 0L : traffic.messagesOut());
        values.put("BytesIn", traffic == null ? 0L : traffic.bytesIn());
        values.put("BytesOut", traffic == null ? 0L : traffic.bytesOut());
        values.put("QueueBytes", traffic == null ? 0L : traffic.queueBytes());
        values.put("Reconnects", traffic == null ? 0L : traffic.reconnects());
        values.put("ResendBytes", traffic == null ? 0L : traffic.resendBytes());
        for (String key : PeerStats.deliveryKeys()) {
            values.put(ClusterBean.counterAttribute("delivery." + key),
                    traffic == null ? 0L : traffic.delivery().getOrDefault(key, 0L));
        }
        return values;
    }
}
