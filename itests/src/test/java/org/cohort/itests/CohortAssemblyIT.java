package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationService;
import org.cohort.itests.sibling.SiblingActivator;
import org.cohort.itests.sibling.SiblingPayload;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/** Cohort's own Karaf distribution: it boots with Cohort, as a one-node cluster. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CohortAssemblyIT {

    @Inject
    private BundleContext bundleContext;

    @Inject
    private FeaturesService featuresService;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private SerializationService serialization;

    @Inject
    private MessageSender messageSender;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] configuration() {
        Option sibling = streamBundle(siblingBundle()).startLevel(90).start(false);
        return Stream.concat(Arrays.stream(CohortKarafOptions.container(CohortKarafOptions.cohortAssembly(), "Cohort")),
                Stream.of(sibling)).toArray(Option[]::new);
    }

    /** A separate bundle, like a sibling of Cohort, that registers its payload type when started. */
    private static InputStream siblingBundle() {
        return TinyBundles.bundle()
                .symbolicName(SiblingActivator.SYMBOLIC_NAME)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, "org.cohort.api.serialization,org.osgi.framework")
                .setHeader(Constants.BUNDLE_ACTIVATOR, SiblingActivator.class.getName())
                .addClass(SiblingActivator.class)
                .addClass(SiblingPayload.class)
                .build(TinyBundles.rawBuilder());
    }

    @Test
    public void everyCohortBundleIsActiveAndEveryComponentSatisfied() throws Exception {
        ContainerChecks.assertCohortFeatureBundlesActive(bundleContext, featuresService);
        ContainerChecks.assertCohortComponentsSatisfied(bundleContext, scr);
    }

    @Test
    public void theConnectionManagerListensAndPublishesMessageSender() throws Exception {
        int port = Integer.parseInt(System.getProperty(CohortKarafOptions.CLUSTER_PORT_PROPERTY));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            assertTrue("the cluster listener accepts on 127.0.0.1:" + port, socket.isConnected());
        }
        ClusterMessage toSelf = new ClusterMessage(NodeId.of("node-1"), MessageSubject.of("itest.self"), new byte[] {1});
        assertTrue("a message to this node is delivered locally", messageSender.send(NodeId.of("node-1"), toSelf));
        assertFalse("a node that is not a member is refused", messageSender.send(NodeId.of("stranger"), toSelf));
    }

    @Test
    public void aBundleRegisteringItsOwnDelegateDoesNotCaptureTheClustersTraffic() throws Exception {
        CommunicationsDelegate rogue = new CommunicationsDelegate() {
            @Override
            public void setSender(MessageSender sender) {
            }

            @Override
            public void dispatch(ClusterMessage message) {
            }
        };
        Dictionary<String, Object> highRanking = new Hashtable<>(Map.of(Constants.SERVICE_RANKING, Integer.MAX_VALUE));
        ServiceRegistration<CommunicationsDelegate> registration =
                bundleContext.registerService(CommunicationsDelegate.class, rogue, highRanking);
        try {
            long rogueId = (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
            ComponentDescriptionDTO manager = scr.getComponentDescriptionDTOs().stream()
                    .filter(description -> description.name.endsWith(".ConnectionManagerComponent"))
                    .findFirst().orElseThrow(() -> new AssertionError("no connection manager component"));
            // Restart the connection manager while the rogue outranks every other delegate: a reference
            // without the target filter would now bind the rogue.
            scr.disableComponent(manager).getValue();
            scr.enableComponent(manager).getValue();
            await("connection manager active again").atMost(ContainerChecks.DEADLINE).until(() ->
                    scr.getComponentConfigurationDTOs(manager).stream()
                            .anyMatch(configuration -> configuration.state == ComponentConfigurationDTO.ACTIVE));
            ComponentConfigurationDTO active = scr.getComponentConfigurationDTOs(manager).iterator().next();
            SatisfiedReferenceDTO comms = Arrays.stream(active.satisfiedReferences)
                    .filter(reference -> reference.name.equals("commsDelegate"))
                    .findFirst().orElseThrow(() -> new AssertionError("commsDelegate not bound"));
            assertEquals(1, comms.boundServices.length);
            assertNotEquals("the rogue delegate is not bound", rogueId, comms.boundServices[0].id);
            assertEquals("core", comms.boundServices[0].properties.get("cohort.delegate"));
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void clusterNodesShowsThisNodeActiveAsATableAndAsJson() throws Exception {
        String table = ContainerChecks.executeCommand(sessionFactory, "cluster:nodes");
        assertTrue(table, table.contains("node-1") && table.contains("ACTIVE") && table.contains("INCARNATION"));
        String json = ContainerChecks.executeCommand(sessionFactory, "cluster:nodes --json").trim();
        assertTrue(json, json.startsWith("[{") && json.endsWith("}]"));
        for (String field : new String[] {"\"id\":\"node-1\"", "\"state\":\"ACTIVE\"", "\"local\":true",
            "\"address\":\"127.0.0.1:", "\"since\":", "\"incarnation\":"}) {
            assertTrue(field + " in " + json, json.contains(field));
        }
    }

    @Test
    public void theStreamsUseNettysNativeEpollTransport() throws Exception {
        // The epoll classes bundle loads its native library through its fragment's Bundle-NativeCode.
        assertTrue("epoll available in the container: " + io.netty.channel.epoll.Epoll.unavailabilityCause(),
                io.netty.channel.epoll.Epoll.isAvailable());
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        await("the transport's log line in " + log).atMost(ContainerChecks.DEADLINE).until(() ->
                Files.readString(log).contains("Netty transport: native epoll"));
    }

    @Test
    public void nettysOpenSslEngineLoadsForTls() throws Exception {
        // TLS (tls.engine = auto) gets the OpenSSL engine here.
        ContainerChecks.assertOpenSslWired(bundleContext);
    }

    @Test
    public void clusterSendOnTheDiagnosticSubjectIsLoggedByTheReceiver() throws Exception {
        String marker = "itest-" + System.nanoTime();
        String out = ContainerChecks.executeCommand(sessionFactory, "cluster:send node-1 cohort.diag hello " + marker);
        assertTrue(out, out.contains("Sent"));
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        await("the diagnostic message in " + log).atMost(ContainerChecks.DEADLINE).until(() ->
                Files.readString(log).contains("Diagnostic message from node-1: hello " + marker));
    }

    @Test
    public void clusterPingMeasuresRoundTripsAndClusterNodesShowsTheLast() throws Exception {
        String out = ContainerChecks.executeCommand(sessionFactory, "cluster:ping -c 3 node-1");
        assertTrue(out, out.contains("reply from node-1: seq=2") && out.contains("3 sent, 3 received"));
        String json = ContainerChecks.executeCommand(sessionFactory, "cluster:ping --json -c 2 node-1").trim();
        assertTrue(json, json.contains("\"sent\":2") && json.contains("\"received\":2")
                && json.contains("\"p99Micros\":"));
        String nodes = ContainerChecks.executeCommand(sessionFactory, "cluster:nodes --json");
        assertTrue(nodes, nodes.matches("(?s).*\"lastRttMicros\":\\d+.*"));
        Exception refused = assertThrows(Exception.class,
                () -> ContainerChecks.executeCommand(sessionFactory, "cluster:ping -c 0 node-1"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("count must be in 1..10000"));
    }

    @Test
    public void aWhiteboardHandlerIsSubscribedWhileItsServiceLives() throws Exception {
        ClusterCommunicationService messaging = ContainerChecks.awaitService(bundleContext,
                ClusterCommunicationService.class);
        MessageSubject subject = MessageSubject.of("itest.whiteboard");
        NodeId self = NodeId.of("node-1");
        MessageHandler upperCase = payload -> new String(payload, java.nio.charset.StandardCharsets.UTF_8)
                .toUpperCase().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ServiceRegistration<MessageHandler> registration = bundleContext.registerService(MessageHandler.class,
                upperCase, new Hashtable<>(Map.of(MessageHandler.SUBJECT_PROPERTY, subject.value())));
        try {
            await("the whiteboard handler answers").atMost(ContainerChecks.DEADLINE).ignoreExceptions().until(() ->
                    "HELLO".equals(new String(messaging.sendAndReceive(subject, "hello".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8), self).get(), java.nio.charset.StandardCharsets.UTF_8)));
        } finally {
            registration.unregister();
        }
        await("the subject has no handler once the service is gone").atMost(ContainerChecks.DEADLINE).until(() -> {
            try {
                messaging.sendAndReceive(subject, new byte[] {1}, self).get();
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause() instanceof NoRemoteHandlerException;
            }
        });
    }

    /** One wire (issue 16): cluster:send's plain message reaches a whiteboard handler, which learns the sender. */
    @Test
    public void clusterSendReachesTheWhiteboardHandlerOfItsSubjectWithTheSender() throws Exception {
        MessageSubject subject = MessageSubject.of("itest.plain");
        BlockingQueue<String> handled = new LinkedBlockingQueue<>();
        MessageHandler handler = new MessageHandler() {
            @Override
            public byte[] handle(byte[] payload) {
                throw new AssertionError("Cohort calls handle(sender, payload)");
            }

            @Override
            public byte[] handle(NodeId sender, byte[] payload) {
                handled.add(sender + ": " + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
                return null;
            }
        };
        ServiceRegistration<MessageHandler> registration = bundleContext.registerService(MessageHandler.class,
                handler, new Hashtable<>(Map.of(MessageHandler.SUBJECT_PROPERTY, subject.value())));
        try {
            await("the whiteboard handler is subscribed").atMost(ContainerChecks.DEADLINE).until(() ->
                    ContainerChecks.executeCommand(sessionFactory, "cluster:subjects --json").contains(subject.value()));
            String marker = "plain-" + System.nanoTime();
            String out = ContainerChecks.executeCommand(sessionFactory, "cluster:send node-1 itest.plain " + marker);
            assertTrue(out, out.contains("Sent") && out.contains("ACCEPTED"));
            assertEquals("node-1: " + marker, handled.poll(ContainerChecks.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            registration.unregister();
        }
    }

    /** A sibling's own delegate (not cohort.delegate=core) gets what no subscriber claims. */
    @Test
    public void aSubjectNoSubscriberClaimsGoesToASiblingsOwnDelegate() throws Exception {
        BlockingQueue<ClusterMessage> unclaimed = new LinkedBlockingQueue<>();
        CommunicationsDelegate sibling = new CommunicationsDelegate() {
            @Override
            public void setSender(MessageSender sender) {
            }

            @Override
            public void dispatch(ClusterMessage message) {
                unclaimed.add(message);
            }
        };
        ServiceRegistration<CommunicationsDelegate> registration =
                bundleContext.registerService(CommunicationsDelegate.class, sibling, new Hashtable<>());
        try {
            String marker = "unclaimed-" + System.nanoTime();
            ContainerChecks.executeCommand(sessionFactory, "cluster:send node-1 itest.unclaimed " + marker);
            ClusterMessage message = unclaimed.poll(ContainerChecks.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue("the delegate got the message", message != null);
            assertEquals("itest.unclaimed", message.subject().value());
            assertEquals(marker, new String(message.payload(), java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void aWrongNodeIdIsOneClearLine() throws Exception {
        Exception refused = assertThrows(Exception.class,
                () -> ContainerChecks.executeCommand(sessionFactory, "cluster:send node-9 cohort.diag hello"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("node-9 is not a member"));
        assertFalse(refused.getMessage(), refused.getMessage().contains("\n"));
        Exception malformed = assertThrows(Exception.class,
                () -> ContainerChecks.executeCommand(sessionFactory, "cluster:stats no/such"));
        assertTrue(malformed.getMessage(), malformed.getMessage().contains("is not a node id"));
    }

    @Test
    public void clusterStatsAsJsonHoldsTheDocumentedFigures() throws Exception {
        String json = ContainerChecks.executeCommand(sessionFactory, "cluster:stats --json").trim();
        for (String field : new String[] {"\"node\":{", "\"connectionsAccepted\":", "\"handshakesRefused\":",
            "\"handshakesRefusedByReason\":{", "\"decodeErrors\":", "\"sendsRefused\":",
            "\"sendsRefusedByReason\":{", "\"peers\":{"}) {
            assertTrue(field + " in " + json, json.contains(field));
        }
        String table = ContainerChecks.executeCommand(sessionFactory, "cluster:stats");
        assertTrue(table, table.contains("connectionsAccepted") && table.contains("PEER"));
    }

    @Test
    public void theProbeRegistersItsOwnTypeAndRoundTripsIt() {
        ContainerChecks.assertProbeTypeRoundTrips(serialization);
    }

    @Test
    public void anUnregisteredTypeIsRefused() {
        ContainerChecks.assertUnregisteredTypeRefused(serialization);
    }

    @Test
    public void registeringAndClosing20TimesLeavesNoStaleRegistration() {
        ContainerChecks.assertRegistrationCyclesLeaveNoTrace(serialization);
    }

    @Test
    public void aSiblingBundlesRegistrationGoesWithTheBundle20Times() throws Exception {
        Bundle sibling = Arrays.stream(bundleContext.getBundles())
                .filter(bundle -> SiblingActivator.SYMBOLIC_NAME.equals(bundle.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("sibling bundle is not installed"));
        int id = SiblingPayload.TYPE_ID;
        String name = SiblingPayload.class.getName();
        for (int cycle = 0; cycle < 20; cycle++) {
            sibling.start();
            assertEquals("cycle " + cycle + ": registered while the sibling runs", name,
                    serialization.registeredTypes().get(id));
            sibling.stop();
            int stopped = cycle;
            await("cycle " + stopped + ": the sibling's type leaves with the bundle").atMost(ContainerChecks.DEADLINE)
                    .until(() -> !serialization.registeredTypes().containsKey(id));
        }
    }
}
