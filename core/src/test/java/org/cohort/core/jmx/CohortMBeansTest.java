package org.cohort.core.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.messaging.DispatchCounters;
import org.cohort.core.stats.LiveStats;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cohort's MBeans on two real nodes in this JVM, each registering in an MBean server of its own. */
class CohortMBeansTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final ObjectName CLUSTER = name(ClusterBean.OBJECT_NAME);

    private final InProcessCluster cluster = new InProcessCluster(2);
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        cluster.close();
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectName peer(String id) {
        return name("org.cohort:type=Peer,name=" + id);
    }

    private CohortMBeans mbeansOfNode1() {
        InProcessNode node1 = cluster.node(1);
        CohortMBeans mbeans = new CohortMBeans(server, new LiveStats(node1.manager, node1.membership, node1.comms,
                node1.roundTripTimes), node1.clusterService);
        mbeans.start();
        toClose.add(mbeans);
        return mbeans;
    }

    private Set<ObjectName> cohortNames() throws Exception {
        return server.queryNames(name("org.cohort:*"), null);
    }

    @Test
    void registersTheClusterAndOnePeerPerMemberAndUnregistersAllOnClose() throws Exception {
        cluster.startAll();
        CohortMBeans mbeans = mbeansOfNode1();
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"), peer("n2"));
        assertThat(mbeans.registered()).isEqualTo(cohortNames());
        assertThat(cluster.node(1).clusterService.listeners()).isEqualTo(1);

        mbeans.close();
        assertThat(cohortNames()).isEmpty();
        assertThat(cluster.node(1).clusterService.listeners()).isZero();
        mbeans.close(); // twice is fine
    }

    @Test
    void theClusterMBeanShowsIdentityEveryTransportCounterAndTheDispatchCounters() throws Exception {
        cluster.startAll();
        InProcessNode node1 = cluster.node(1);
        mbeansOfNode1();
        assertThat(server.getAttribute(CLUSTER, "NodeId")).isEqualTo("n1");
        assertThat(server.getAttribute(CLUSTER, "ClusterName")).isEqualTo(InProcessCluster.CLUSTER_NAME);
        assertThat(server.getAttribute(CLUSTER, "Incarnation")).isEqualTo(node1.incarnation);
        assertThat(server.getAttribute(CLUSTER, "Members")).isEqualTo(2);
        assertThat(server.getAttribute(CLUSTER, "ActiveMembers")).isEqualTo(2);
        assertThat((Long) server.getAttribute(CLUSTER, "StreamsOpened")).isPositive();

        // Every transport counter and refusal reason is an attribute and agrees with the transport, read
        // when nothing moves between two reads of the transport.
        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, Long> before = node1.manager.counters();
            Map<String, Long> refusals = node1.manager.handshakesRefusedByReason();
            DispatchCounters dispatch = node1.comms.counters();
            Map<String, Object> attributes = attributes(CLUSTER);
            Map<String, Long> after = node1.manager.counters();
            assertThat(after).isEqualTo(before);
            before.forEach((counter, value) ->
                    assertThat(attributes).containsEntry(ClusterBean.counterAttribute(counter), value));
            refusals.forEach((reason, value) ->
                    assertThat(attributes).containsEntry(ClusterBean.refusalAttribute(reason), value));
            assertThat(attributes).containsEntry("SendsRefused", before.get("sendRefusedUnknownNode")
                    + before.get("sendRefusedNoStream") + before.get("sendRefusedQueueFull")
                    + before.get("sendRefusedTooLarge"));
            assertThat(attributes).containsEntry("DispatchDelivered", dispatch.delivered())
                    .containsEntry("DispatchNoHandler", dispatch.noHandler())
                    .containsEntry("DispatchRejected", dispatch.rejected())
                    .containsEntry("DispatchHandlerFailed", dispatch.handlerFailed());
        });
        assertThat(attributes(CLUSTER)).containsKeys("MessagesSent", "MessagesReceived", "DecodeErrors",
                "SendsRefusedNoStream", "HandshakesRefusedTimeout", "HandshakesRefusedWrongCluster", "Dials");
    }

    @Test
    void aPeerMBeanShowsTheMembersStateTrafficAndLastRoundTrip() throws Exception {
        cluster.startAll();
        InProcessNode node1 = cluster.node(1);
        InProcessNode node2 = cluster.node(2);
        Subscription subscription = node2.communicator.addSubscriber(MessageSubject.of("jmx.test"),
                bytes -> bytes, bytes -> { }, Runnable::run);
        toClose.add(subscription::close);
        mbeansOfNode1();
        assertThat(server.getAttribute(peer("n2"), "LastRttMicros")).isEqualTo(-1L);
        for (int i = 0; i < 5; i++) {
            assertThat(node1.communicator.unicast(MessageSubject.of("jmx.test"),
                    ("hello " + i).getBytes(StandardCharsets.UTF_8), InProcessCluster.id(2))).isTrue();
        }
        await().atMost(DEADLINE).until(() -> node2.comms.counters().delivered() >= 5);
        node1.roundTripTimes.record(InProcessCluster.id(2), Duration.ofNanos(1_234_567));

        Map<String, Object> n2 = attributes(peer("n2"));
        assertThat(n2).containsEntry("NodeId", "n2").containsEntry("Local", false).containsEntry("State", "ACTIVE")
                .containsEntry("Connected", true).containsEntry("Incarnation", node2.incarnation)
                .containsEntry("LastRttMicros", 1_234L)
                .containsEntry("Address", cluster.members.get(1).ip().getHostAddress() + ":"
                        + cluster.members.get(1).tcpPort());
        assertThat((Long) n2.get("MessagesOut")).isGreaterThanOrEqualTo(5);
        assertThat((Long) n2.get("BytesOut")).isGreaterThan((Long) n2.get("MessagesOut"));
        assertThat((Long) n2.get("Since")).isEqualTo(node1.membership.state(InProcessCluster.id(2))
                .orElseThrow().since().toEpochMilli());
        assertThat(n2).containsKeys("MessagesIn", "BytesIn", "QueueBytes", "Reconnects", "ResendBytes");
        await().atMost(DEADLINE).until(() -> Long.valueOf(5).equals(attributes(peer("n2")).get("DeliveryAcked")));
        assertThat(attributes(peer("n2"))).containsEntry("DeliverySent", 5L).containsEntry("DeliveryFailedBackNoHandler", 0L);

        server.getAttribute(CLUSTER, "NodeId"); // a read brings the subject MBeans up to date
        ObjectName subject = SubjectDeliveryBean.objectName("jmx.test");
        assertThat(cohortNames()).contains(subject);
        assertThat(attributes(subject)).containsEntry("Subject", "jmx.test").containsEntry("DeliverySent", 5L)
                .containsEntry("DeliveryAcked", 5L).containsEntry("DeliveryRefusedQUEUE_FULL", 0L);

        Map<String, Object> n1 = attributes(peer("n1"));
        assertThat(n1).containsEntry("Local", true).containsEntry("State", "ACTIVE")
                .containsEntry("Incarnation", node1.incarnation).containsEntry("Connected", false)
                .containsEntry("MessagesOut", 0L);

        cluster.stop(2);
        await().atMost(DEADLINE).until(() -> "INACTIVE".equals(server.getAttribute(peer("n2"), "State")));
        assertThat(server.getAttribute(peer("n2"), "Connected")).isEqualTo(false);
        assertThat(server.getAttribute(CLUSTER, "ActiveMembers")).isEqualTo(1);
    }

    @Test
    void peerMBeansFollowMembersJoiningAndLeaving() throws Exception {
        FakeMembership membership = new FakeMembership(cluster.members.get(0));
        cluster.start(1);
        CohortMBeans mbeans = new CohortMBeans(server, new LiveStats(cluster.node(1).manager, membership,
                cluster.node(1).comms, cluster.node(1).roundTripTimes), membership);
        toClose.add(mbeans);
        mbeans.start();
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"));

        membership.join(cluster.members.get(1));
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"), peer("n2"));
        assertThat(server.getAttribute(peer("n2"), "State")).isEqualTo("INACTIVE");

        membership.leave(InProcessCluster.id(2), true);
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"));

        // A change that raised no event: reading the cluster MBean catches up.
        membership.join(cluster.members.get(1));
        membership.leave(InProcessCluster.id(2), false);
        assertThat(cohortNames()).contains(peer("n2"));
        assertThat(server.getAttribute(CLUSTER, "Members")).isEqualTo(1);
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"));

        // Reading the MBean of a node that silently left fails clearly and unregisters it.
        membership.join(cluster.members.get(1));
        membership.leave(InProcessCluster.id(2), false);
        assertThatThrownBy(() -> server.getAttribute(peer("n2"), "State")).isInstanceOf(MBeanException.class)
                .hasRootCauseMessage("n2 is no longer a member of the cluster");
        assertThat(cohortNames()).containsExactlyInAnyOrder(CLUSTER, peer("n1"));

        mbeans.close();
        assertThat(cohortNames()).isEmpty();
        assertThat(membership.listeners).isEmpty();
    }

    @Test
    void attributesAreReadOnlyOpenTypesWithDescriptions() throws Exception {
        cluster.start(1);
        mbeansOfNode1();
        for (ObjectName name : List.of(CLUSTER, peer("n1"))) {
            MBeanAttributeInfo[] infos = server.getMBeanInfo(name).getAttributes();
            assertThat(infos).isNotEmpty().allSatisfy(info -> {
                assertThat(info).isInstanceOf(OpenMBeanAttributeInfo.class);
                assertThat(info.isReadable()).isTrue();
                assertThat(info.isWritable()).isFalse();
                assertThat(info.getDescription()).isNotBlank();
                assertThat(info.getType()).isIn("java.lang.Long", "java.lang.Integer", "java.lang.String",
                        "java.lang.Boolean");
            });
            assertThat(server.getMBeanInfo(name).getOperations()).isEmpty();
        }
        assertThatThrownBy(() -> server.setAttribute(CLUSTER, new Attribute("NodeId", "x")))
                .isInstanceOf(AttributeNotFoundException.class);
        assertThatThrownBy(() -> server.getAttribute(CLUSTER, "NoSuchThing"))
                .isInstanceOf(AttributeNotFoundException.class);
    }

    @Test
    void aNodeIdThatJmxCannotTakeAsItIsIsQuoted() {
        assertThat(PeerBean.objectName(NodeId.of("node-1")).toString()).isEqualTo("org.cohort:type=Peer,name=node-1");
        ObjectName quoted = PeerBean.objectName(NodeId.of("rack1:node-2"));
        assertThat(quoted.getKeyProperty("name")).isEqualTo("\"rack1:node-2\"");
        assertThat(ObjectName.unquote(quoted.getKeyProperty("name"))).isEqualTo("rack1:node-2");
    }

    @Test
    void aRemoteJmxClientReadsTheSameFigures() throws Exception {
        cluster.startAll();
        mbeansOfNode1();
        // An RMI connector on an anonymous port: the stub travels in the URL, no registry, no fixed port.
        JMXConnectorServer connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), null, server);
        connectorServer.start();
        toClose.add(connectorServer::stop);
        try (JMXConnector connector = JMXConnectorFactory.connect(connectorServer.getAddress())) {
            MBeanServerConnection remote = connector.getMBeanServerConnection();
            assertThat(remote.queryNames(name("org.cohort:*"), null)).isEqualTo(cohortNames());
            assertThat(remote.getAttribute(CLUSTER, "NodeId")).isEqualTo("n1");
            assertThat(remote.getAttribute(CLUSTER, "Incarnation")).isEqualTo(cluster.node(1).incarnation);
            assertThat(remote.getAttribute(peer("n2"), "Incarnation")).isEqualTo(cluster.node(2).incarnation);
            assertThat(remote.getAttribute(peer("n2"), "State")).isEqualTo("ACTIVE");
        }
    }

    @Test
    void theComponentRegistersInThePlatformMBeanServerUntilDeactivated() throws Exception {
        cluster.start(1);
        InProcessNode node1 = cluster.node(1);
        MBeanServer platform = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        JmxComponent component = new JmxComponent(new LiveStats(node1.manager, node1.membership, node1.comms,
                node1.roundTripTimes), node1.clusterService);
        try {
            assertThat(platform.queryNames(name("org.cohort:*"), null))
                    .containsExactlyInAnyOrder(CLUSTER, peer("n1"), peer("n2"));
            assertThat(platform.getAttribute(CLUSTER, "NodeId")).isEqualTo("n1");
        } finally {
            component.deactivate();
        }
        assertThat(platform.queryNames(name("org.cohort:*"), null)).isEmpty();
    }

    private Map<String, Object> attributes(ObjectName name) throws Exception {
        String[] names = java.util.Arrays.stream(server.getMBeanInfo(name).getAttributes())
                .map(MBeanAttributeInfo::getName).toArray(String[]::new);
        AttributeList list = server.getAttributes(name, names);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Attribute attribute : list.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        assertThat(values.keySet()).containsExactlyInAnyOrder(names);
        return values;
    }
}
