package org.cohort.itests.external;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.transport.ConnectionManager;

/**
 * A Cohort node as a plain Java process, outside any OSGi container: the real connection manager
 * with an echo delegate that answers every {@value #ECHO} message to its sender on {@value #REPLY}.
 * It runs until its standard input closes, so it never outlives the test JVM that started it.
 *
 * <p>Arguments: cluster name, local node id, members ({@code id@ip:port,...}).
 */
public final class ExternalNode {

    public static final String ECHO = "itest.echo";
    public static final String REPLY = "itest.echo.reply";
    public static final String READY = "EXTERNAL NODE READY";

    private ExternalNode() {
    }

    public static void main(String[] args) throws Exception {
        String clusterName = args[0];
        NodeId localId = NodeId.of(args[1]);
        List<ControllerNode> members = new ArrayList<>();
        for (String entry : args[2].split(",")) {
            String[] idAndAddress = entry.split("@");
            String[] ipAndPort = idAndAddress[1].split(":");
            members.add(new ControllerNode(NodeId.of(idAndAddress[0]), InetAddress.getByName(ipAndPort[0]),
                    Integer.parseInt(ipAndPort[1])));
        }
        ClusterSettings settings = new ClusterSettings(clusterName, localId, members, 2, Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 1024 * 1024, 8L * 1024 * 1024);
        EchoDelegate echo = new EchoDelegate(localId);
        ClusterNodesDelegate nodes = new ClusterNodesDelegate() {
            @Override
            public void nodeDetected(ControllerNode node, long incarnation) {
                System.out.println("detected " + node.id() + " #" + incarnation);
            }

            @Override
            public void nodeVanished(NodeId nodeId) {
                System.out.println("vanished " + nodeId);
            }
        };
        ConnectionManager manager = new ConnectionManager(settings, nodes, echo,
                ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()), NodeRuntime.production());
        manager.start();
        System.out.println(READY);
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // the parent keeps the pipe open for as long as it wants this node
            }
        } finally {
            manager.stop();
        }
    }

    /** Answers each echo request to its sender. */
    private static final class EchoDelegate implements CommunicationsDelegate {
        private final NodeId localId;
        private volatile MessageSender sender;

        EchoDelegate(NodeId localId) {
            this.localId = localId;
        }

        @Override
        public void setSender(MessageSender sender) {
            this.sender = sender;
        }

        @Override
        public void dispatch(ClusterMessage message) {
            MessageSender current = sender;
            if (current != null && message.subject().value().equals(ECHO)) {
                current.send(message.sender(), new ClusterMessage(localId, MessageSubject.of(REPLY), message.payload()));
            }
        }
    }
}
