package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.stats.LiveStats;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.cohort.shell.CommandJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cluster:send on two real nodes in this JVM, wired as Karaf wires the command: the plain message it sends
 * reaches the whiteboard-style handler of its subject on the other node, which learns the sender; the
 * command prints what the send did, and a refusal is one error line with its reason.
 */
class SendCommandTest {

    private static final MessageSubject SUBJECT = MessageSubject.of("itest.whiteboard");

    private final List<String> handled = new CopyOnWriteArrayList<>();
    private InProcessCluster cluster;
    private SendCommand command;

    /** The command as Karaf's injection leaves it: JsonAction's ClusterService is set here. */
    private static final class WiredSendCommand extends SendCommand {
        WiredSendCommand(ClusterService clusterService) {
            this.cluster = clusterService;
        }
    }

    @BeforeEach
    void startTwoNodes() {
        cluster = new InProcessCluster(2);
        cluster.startAll();
        InProcessNode node1 = cluster.node(1);
        command = new WiredSendCommand(node1.assembly.cluster());
        command.stats = new LiveStats(node1.assembly.status(), node1.membership, node1.comms, node1.roundTripTimes);
        command.sender = node1.assembly.sender();
        cluster.node(2).assembly.addHandler(SUBJECT, new MessageHandler() {
            @Override
            public byte[] handle(byte[] payload) {
                throw new AssertionError("Cohort calls handle(sender, payload)");
            }

            @Override
            public byte[] handle(NodeId sender, byte[] payload) {
                handled.add(sender + ": " + new String(payload, StandardCharsets.UTF_8));
                return null;
            }
        });
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void args(String node, String... words) {
        command.node = node;
        command.subject = SUBJECT.value();
        command.text = List.of(words);
    }

    @Test
    void reachesTheHandlerOfTheSubjectAndSaysItWasAccepted() throws Exception {
        args("n2", "hello", "handler");

        Object result = command.result();

        assertThat(CommandJson.write(result)).isEqualTo("{\"sent\":true,\"result\":\"ACCEPTED\",\"node\":\"n2\","
                + "\"subject\":\"itest.whiteboard\",\"bytes\":13}");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.print(result, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(printed.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("Sent 13 bytes to n2 on itest.whiteboard: ACCEPTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.equals(List.of("n1: hello handler")));
        assertThat(cluster.node(2).communicator.malformedCount()).isZero();
    }

    @Test
    void aRefusalIsOneErrorLineWithItsReason() {
        args("n2", "x".repeat(cluster.node(1).settings.maxMessageBytes() + 1));

        assertThatThrownBy(command::result).isInstanceOf(IllegalStateException.class).hasMessage(
                "not sent: refused by n1: TOO_LARGE (the message is larger than message.max.bytes)");
        assertThat(SendCommand.why(SendResult.QUEUE_FULL, NodeId.of("node-2")))
                .isEqualTo("the outbound queue to node-2 is full");
        assertThat(handled).isEmpty();
    }
}
