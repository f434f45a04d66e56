package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.itests.external.ExternalNode;
import org.junit.AfterClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Cohort in Karaf (node-1) and a second node in its own JVM outside the container (node-2). The probe,
 * as a sibling bundle, sends through the MessageSender service alone; the peer's answer is dispatched
 * back to the probe's own communications delegate, selected deliberately through the config's
 * {@code commsDelegate.target}, the documented way to replace core's.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TwoNodeMessagingIT {

    private static final String CLUSTER = "itest-pair";
    private static Process externalNode;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] configuration() {
        int port1 = CohortKarafOptions.freePort();
        int port2 = CohortKarafOptions.freePort();
        String members = "node-1@127.0.0.1:" + port1 + ",node-2@127.0.0.2:" + port2;
        if (externalNode == null) {
            externalNode = ExternalNodeProcess.start(CLUSTER, "node-2", members);
        }
        String cfg = "etc/org.cohort.cluster.cfg";
        return Stream.concat(Arrays.stream(CohortKarafOptions.container(CohortKarafOptions.cohortAssembly(), "Cohort")),
                Stream.of(
                        editConfigurationFilePut(cfg, "cluster.name", CLUSTER),
                        editConfigurationFilePut(cfg, "members", members),
                        editConfigurationFilePut(cfg, "commsDelegate.target", "(cohort.delegate=itest)")))
                .toArray(Option[]::new);
    }

    @AfterClass
    public static void stopExternalNode() {
        ExternalNodeProcess.stop(externalNode);
    }

    @Test
    public void theProbeSendsThroughMessageSenderAndTheAnswerIsDispatchedBackToIt() throws Exception {
        BlockingQueue<ClusterMessage> dispatched = new LinkedBlockingQueue<>();
        CommunicationsDelegate probeDelegate = new CommunicationsDelegate() {
            @Override
            public void setSender(MessageSender sender) {
            }

            @Override
            public void dispatch(ClusterMessage message) {
                dispatched.add(message);
            }
        };
        // A whiteboard listener, registered first: it hears node-2 become ACTIVE once the stream forms.
        BlockingQueue<ClusterEvent> events = new LinkedBlockingQueue<>();
        ServiceRegistration<ClusterEventListener> listener =
                bundleContext.registerService(ClusterEventListener.class, events::add, null);
        Dictionary<String, Object> properties = new Hashtable<>(Map.of("cohort.delegate", "itest"));
        ServiceRegistration<CommunicationsDelegate> registration =
                bundleContext.registerService(CommunicationsDelegate.class, probeDelegate, properties);
        try {
            MessageSender sender = ContainerChecks.awaitService(bundleContext, MessageSender.class);
            NodeId node2 = NodeId.of("node-2");
            await("node-2 ACTIVE in cluster:nodes").atMost(ContainerChecks.DEADLINE).until(() ->
                    ContainerChecks.executeCommand(sessionFactory, "cluster:nodes --json")
                            .contains("\"id\":\"node-2\",\"address\":\"127.0.0.2:") && ContainerChecks
                            .executeCommand(sessionFactory, "cluster:nodes --json").matches(
                                    "(?s).*\"id\":\"node-2\"[^}]*\"state\":\"ACTIVE\".*"));

            ClusterService cluster = ContainerChecks.awaitService(bundleContext, ClusterService.class);
            assertTrue(cluster.member(node2).orElseThrow().state() == NodeState.ACTIVE);
            assertTrue(cluster.localMember().isLocal() && cluster.localMember().state() == NodeState.ACTIVE);
            await("the whiteboard listener heard node-2 ACTIVATED").atMost(ContainerChecks.DEADLINE).until(() ->
                    events.stream().anyMatch(event -> event.type() == ClusterEvent.Type.ACTIVATED
                            && event.member().id().equals(node2)));

            byte[] payload = ("ping " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            ClusterMessage ping = new ClusterMessage(NodeId.of("node-1"), MessageSubject.of(ExternalNode.ECHO), payload);
            assertTrue("queued on node-2's stream", sender.send(node2, ping));

            ClusterMessage answer = dispatched.poll(10, TimeUnit.SECONDS);
            assertTrue("an answer was dispatched to the probe", answer != null);
            assertTrue(answer.toString(), answer.sender().equals(node2)
                    && answer.subject().value().equals(ExternalNode.REPLY));
            assertArrayEquals(payload, answer.payload());
        } finally {
            registration.unregister();
            listener.unregister();
        }
    }
}
