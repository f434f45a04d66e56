package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.support.parsing.CommandLineImpl;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.shell.CommandJson;
import org.cohort.shell.NodeIdCompleter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Operating a node: Cohort's MBeans, read in the platform MBean server and through Karaf's JMX connector
 * (the service:jmx:rmi URL of etc/org.apache.karaf.management.cfg, user karaf), agree with
 * {@code cluster:stats} and {@code cluster:nodes}, and follow members added and removed at run time;
 * {@code cluster:subjects} lists core's subjects and a whiteboard handler's. Cohort's own distribution, a
 * one-node cluster.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperateIT {

    private static final Duration DEADLINE = ContainerChecks.DEADLINE;
    private static final NodeId SELF = NodeId.of("node-1");

    @Inject
    private BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return CohortKarafOptions.container(CohortKarafOptions.cohortAssembly(), "Cohort");
    }

    private static ObjectName clusterName() throws Exception {
        return new ObjectName("org.cohort:type=Cluster");
    }

    private static ObjectName peerName(String id) throws Exception {
        return new ObjectName("org.cohort:type=Peer,name=" + id);
    }

    private static MBeanServer platform() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    private static void awaitMBeans() throws Exception {
        ObjectName cluster = clusterName();
        ObjectName self = peerName(SELF.id());
        await("Cohort's MBeans registered").atMost(DEADLINE)
                .until(() -> platform().isRegistered(cluster) && platform().isRegistered(self));
    }

    /** The URL Karaf's JMX connector serves, as etc/org.apache.karaf.management.cfg configures it. */
    private static JMXServiceURL karafServiceUrl() throws Exception {
        Properties cfg = new Properties();
        Path file = Path.of(System.getProperty("karaf.etc"), "org.apache.karaf.management.cfg");
        try (Reader reader = Files.newBufferedReader(file)) {
            cfg.load(reader);
        }
        String template = cfg.getProperty("serviceUrl");
        assertNotNull("serviceUrl in " + file, template);
        Matcher placeholder = Pattern.compile("\\$\\{([^}]+)}").matcher(template.strip());
        StringBuilder url = new StringBuilder();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            String value = cfg.getProperty(name, System.getProperty(name));
            assertNotNull(name + " for " + template, value);
            placeholder.appendReplacement(url, Matcher.quoteReplacement(value.strip()));
        }
        placeholder.appendTail(url);
        return new JMXServiceURL(url.toString());
    }

    /** Connects as an operator would, with jconsole or jmxterm; the connector starts in the background. */
    private static JMXConnector connectToKaraf() throws Exception {
        JMXServiceURL url = karafServiceUrl();
        Map<String, Object> environment = Map.of(JMXConnector.CREDENTIALS, new String[] {"karaf", "karaf"});
        JMXConnector[] connector = new JMXConnector[1];
        await("Karaf's JMX connector at " + url).atMost(DEADLINE).ignoreExceptions().until(() -> {
            connector[0] = JMXConnectorFactory.connect(url, environment);
            return true;
        });
        return connector[0];
    }

    /** Every attribute of an MBean, read in one call. */
    private static Map<String, Object> attributes(MBeanServerConnection server, ObjectName name) throws Exception {
        String[] names = Arrays.stream(server.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName)
                .toArray(String[]::new);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Attribute attribute : server.getAttributes(name, names).asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        assertEquals("every attribute of " + name + " is readable", names.length, values.size());
        return values;
    }

    private static String capitalize(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** A command's JSON figures under their JMX names: capitalized, id as NodeId, xByReason.r as XR. */
    private static Map<String, Object> jmxNames(Map<?, ?> figures) {
        Map<String, Object> flat = new LinkedHashMap<>();
        figures.forEach((key, value) -> {
            String name = (String) key;
            if (value instanceof Map<?, ?> byReason) {
                String total = capitalize(name.replace("ByReason", ""));
                byReason.forEach((reason, count) -> flat.put(total + capitalize((String) reason), count));
            } else {
                flat.put(name.equals("id") ? "NodeId" : capitalize(name), value);
            }
        });
        return flat;
    }

    /** Every figure is an attribute of the same value; numbers compare by value, whatever their width. */
    private static void assertFigures(String what, Map<String, Object> figures, Map<String, Object> attributes) {
        assertFalse(what + ": no figures", figures.isEmpty());
        figures.forEach((name, value) -> {
            assertTrue(what + ": no attribute " + name + " in " + attributes.keySet(), attributes.containsKey(name));
            Object attribute = attributes.get(name);
            if (value instanceof Number number) {
                assertEquals(what + " " + name, number.longValue(), ((Number) attribute).longValue());
            } else {
                assertEquals(what + " " + name, value, attribute);
            }
        });
    }

    private String command(String line) throws Exception {
        return ContainerChecks.executeCommand(sessionFactory, line);
    }

    private static long figure(ObjectName name, String attribute) throws Exception {
        return ((Number) platform().getAttribute(name, attribute)).longValue();
    }

    @Test
    public void theClusterMBeanHoldsTheFiguresOfClusterStatsLocallyAndThroughKarafsConnector() throws Exception {
        awaitMBeans();
        ObjectName cluster = clusterName();
        // Something to count, so that the comparison is not one of zeros: local sends to a subject without
        // a subscriber, sends to a node that is not a member, and a connection that sends no hello.
        ClusterCommunicationService messaging = ContainerChecks.awaitService(bundleContext,
                ClusterCommunicationService.class);
        MessageSubject nobody = MessageSubject.of("itest.nobody");
        for (int i = 0; i < 3; i++) {
            assertTrue(messaging.unicast(nobody, new byte[] {1}, SELF));
            assertFalse(messaging.unicast(nobody, new byte[] {1}, NodeId.of("stranger")));
        }
        int port = Integer.parseInt(System.getProperty(CohortKarafOptions.CLUSTER_PORT_PROPERTY));
        long refusedBefore = figure(cluster, "HandshakesRefused") + figure(cluster, "DecodeErrors");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await("the stranger's connection refused").atMost(DEADLINE).until(() ->
                    figure(cluster, "HandshakesRefused") + figure(cluster, "DecodeErrors") > refusedBefore);
        }
        assertTrue(figure(cluster, "MessagesSentLocally") >= 3);
        assertTrue(figure(cluster, "SendsRefusedUnknownNode") >= 3);
        assertTrue(figure(cluster, "ConnectionsAccepted") >= 1);

        try (JMXConnector connector = connectToKaraf()) {
            MBeanServerConnection remote = connector.getMBeanServerConnection();
            assertEquals(platform().queryNames(new ObjectName("org.cohort:*"), null),
                    remote.queryNames(new ObjectName("org.cohort:*"), null));
            // Counters may move between reads (another connection, a hello timing out): compare only
            // reads between which the platform MBean did not change.
            await("cluster:stats and both JMX reads agree").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        Map<String, Object> before = attributes(platform(), cluster);
                        Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) CommandJson.read(command("cluster:stats --json")))
                                .get("node");
                        Map<String, Object> overKarafsConnector = attributes(remote, cluster);
                        Map<String, Object> after = attributes(platform(), cluster);
                        assertEquals("nothing moved between the reads", before, after);
                        assertEquals("the platform MBean server and Karaf's connector", before, overKarafsConnector);
                        assertFigures("cluster:stats --json", jmxNames(stats), before);
                    });
            Map<String, Object> figures = attributes(remote, cluster);
            assertEquals("node-1", figures.get("NodeId"));
            assertEquals("cohort", figures.get("ClusterName"));
            assertTrue(figures.toString(), (Long) figures.get("Incarnation") > 0);
            assertEquals(1, figures.get("Members"));
            assertEquals(1, figures.get("ActiveMembers"));
            assertEquals(0L, figures.get("StreamsOpened")); // one node: no stream to anyone
            assertTrue(figures.toString(), (Long) figures.get("DispatchNoHandler") >= 3);
        }
    }

    /** Every cluster: command's --json is valid JSON (Jackson in the container, through the feature). */
    @Test
    public void everyClusterCommandPrintsJsonThatParses() throws Exception {
        awaitMBeans();
        for (String line : List.of("cluster:nodes --json", "cluster:stats --json", "cluster:config --json",
                "cluster:subjects --json", "cluster:ping --json -c 2 node-1",
                "cluster:send --json node-1 cohort.diag json")) {
            String printed = command(line);
            assertNotNull(line + ": " + printed, CommandJson.read(printed));
        }
        Map<?, ?> ping = (Map<?, ?>) CommandJson.read(command("cluster:ping --json -c 2 node-1"));
        assertEquals(ping.toString(), 2L, ping.get("received"));
        assertTrue(ping.toString(), (Long) ping.get("p99Micros") >= (Long) ping.get("minMicros"));
    }

    /** Core registers the one NodeIdCompleter for every bundle's commands: the session's registry finds it. */
    @Test
    public void theSharedNodeIdCompleterIsRegisteredForEveryBundle() throws Exception {
        awaitMBeans();
        Object completer = sessionFactory.getRegistry().getService(NodeIdCompleter.class);
        assertNotNull("NodeIdCompleter in the shell's registry", completer);
        List<String> candidates = new ArrayList<>();
        String buffer = "cluster:send no";
        ((Completer) completer).complete(null, new CommandLineImpl(new String[] {"cluster:send", "no"}, 1, 2,
                buffer.length(), buffer), candidates);
        assertEquals(List.of("node-1"), candidates.stream().map(String::trim).toList());
    }

    @Test
    public void onePeerMBeanPerMemberHoldsTheFiguresOfClusterNodes() throws Exception {
        awaitMBeans();
        String ping = command("cluster:ping -c 1 node-1");
        assertTrue(ping, ping.contains("1 sent, 1 received"));
        List<?> rows = (List<?>) CommandJson.read(command("cluster:nodes --json"));
        assertEquals(1, rows.size());
        Map<String, Object> expected = jmxNames((Map<?, ?>) rows.get(0));
        assertNotNull("a round trip was measured", expected.get("LastRttMicros"));
        ObjectName self = peerName(SELF.id());
        assertEquals(Set.of(self), platform().queryNames(new ObjectName("org.cohort:type=Peer,*"), null));
        assertFigures("cluster:nodes --json, platform", expected, attributes(platform(), self));
        try (JMXConnector connector = connectToKaraf()) {
            MBeanServerConnection remote = connector.getMBeanServerConnection();
            assertEquals(Set.of(self), remote.queryNames(new ObjectName("org.cohort:type=Peer,*"), null));
            Map<String, Object> overKarafsConnector = attributes(remote, self);
            assertFigures("cluster:nodes --json, Karaf's connector", expected, overKarafsConnector);
            assertEquals("ACTIVE", overKarafsConnector.get("State"));
            assertEquals(true, overKarafsConnector.get("Local"));
            assertEquals(attributes(remote, clusterName()).get("Incarnation"), overKarafsConnector.get("Incarnation"));
        }
    }

    @Test
    public void theMBeansGoWithTheComponentAndComeBackWithIt() throws Exception {
        awaitMBeans();
        ComponentDescriptionDTO jmx = scr.getComponentDescriptionDTOs().stream()
                .filter(description -> description.name.equals("org.cohort.core.jmx.JmxComponent"))
                .findFirst().orElseThrow(() -> new AssertionError("no JMX component"));
        ObjectName cohort = new ObjectName("org.cohort:*");
        scr.disableComponent(jmx).getValue();
        try {
            await("every Cohort MBean unregistered").atMost(DEADLINE)
                    .until(() -> platform().queryNames(cohort, null).isEmpty());
        } finally {
            scr.enableComponent(jmx).getValue();
        }
        awaitMBeans();
        assertEquals(Set.of(clusterName(), peerName(SELF.id())), platform().queryNames(cohort, null));
    }

    @Test
    public void peerMBeansFollowMembersAddedAndRemovedWhileTheNodeRuns() throws Exception {
        awaitMBeans();
        int port = Integer.parseInt(System.getProperty(CohortKarafOptions.CLUSTER_PORT_PROPERTY));
        String alone = "node-1@127.0.0.1:" + port;
        String withNode2 = alone + ",node-2@127.0.0.2:" + CohortKarafOptions.freePort();
        ObjectName node2 = peerName("node-2");
        command("config:property-set -p org.cohort.cluster members \"" + withNode2 + "\"");
        try {
            await("node-2's MBean, once it is a member").atMost(DEADLINE).until(() -> platform().isRegistered(node2));
            assertEquals("INACTIVE", platform().getAttribute(node2, "State")); // nothing listens there
            assertEquals(0L, platform().getAttribute(node2, "Incarnation"));
            assertEquals(2, platform().getAttribute(clusterName(), "Members"));
        } finally {
            command("config:property-set -p org.cohort.cluster members \"" + alone + "\"");
        }
        await("node-2's MBean gone with it").atMost(DEADLINE).until(() -> !platform().isRegistered(node2));
        assertEquals(1, platform().getAttribute(clusterName(), "Members"));
        assertEquals(Set.of(clusterName(), peerName(SELF.id())),
                platform().queryNames(new ObjectName("org.cohort:*"), null));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> subjects() throws Exception {
        Map<String, Map<String, Object>> bySubject = new LinkedHashMap<>();
        for (Object row : (List<Object>) CommandJson.read(command("cluster:subjects --json"))) {
            Map<String, Object> subject = (Map<String, Object>) row;
            bySubject.put((String) subject.get("subject"), subject);
        }
        return bySubject;
    }

    @Test
    public void clusterSubjectsListsCoresSubjectsAndAWhiteboardHandlersWithTheirCounters() throws Exception {
        ClusterCommunicationService messaging = ContainerChecks.awaitService(bundleContext,
                ClusterCommunicationService.class);
        // core's own: cohort.diag (internal dispatcher), cohort.ping (ClusterCommunicationService), cohort.reply
        await("core's subjects").atMost(DEADLINE).until(() -> subjects().keySet()
                .containsAll(List.of("cohort.diag", "cohort.ping", "cohort.reply")));
        MessageSubject subject = MessageSubject.of("itest.subjects");
        MessageHandler echo = payload -> payload;
        ServiceRegistration<MessageHandler> registration = bundleContext.registerService(MessageHandler.class, echo,
                new Hashtable<>(Map.of(MessageHandler.SUBJECT_PROPERTY, subject.value())));
        try {
            await("the whiteboard handler's subject").atMost(DEADLINE).until(() ->
                    subjects().containsKey(subject.value()));
            for (int i = 0; i < 2; i++) {
                assertEquals(1, messaging.sendAndReceive(subject, new byte[] {7}, SELF).get().length);
            }
            await("both requests counted").atMost(DEADLINE).until(() ->
                    ((Long) subjects().get(subject.value()).get("delivered")) == 2L);
            Map<String, Object> row = subjects().get(subject.value());
            assertEquals(0L, row.get("queuedMessages"));
            assertEquals(0L, row.get("queuedBytes"));
            assertEquals(0L, row.get("refused"));
            assertEquals(0L, row.get("failed"));
            assertEquals(10_000L, row.get("maxQueuedMessages"));
            String table = command("cluster:subjects");
            assertTrue(table, table.contains("SUBJECT") && table.contains("QUEUED BYTES")
                    && table.contains(subject.value()) && table.contains("cohort.ping"));
        } finally {
            registration.unregister();
        }
        await("the subject goes with the handler").atMost(DEADLINE).until(() ->
                !subjects().containsKey(subject.value()));
    }
}
