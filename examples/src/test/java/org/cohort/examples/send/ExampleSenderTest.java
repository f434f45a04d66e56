package org.cohort.examples.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.examples.message.ExampleCodec;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.receive.EchoResponder;
import org.cohort.examples.receive.MessageLogger;
import org.cohort.examples.testing.Fakes;
import org.junit.jupiter.api.Test;

/** The example end to end on in-memory messaging: codec, sender, both whiteboard handlers. */
class ExampleSenderTest {

    private static final NodeId N1 = NodeId.of("node-1");
    private static final NodeId N3 = NodeId.of("node-3");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final SerializationService serialization = Fakes.serialization();
    private final ExampleCodec codec = new ExampleCodec(serialization);
    private final Fakes.Cluster cluster = new Fakes.Cluster(3, 2);
    private final Fakes.Messaging messaging = new Fakes.Messaging(cluster);
    private final ExampleSender sender = new ExampleSender(messaging, cluster, codec);

    ExampleSenderTest() {
        messaging.handlers.put(ExampleSubjects.MESSAGE_SUBJECT, new MessageLogger(codec));
        messaging.handlers.put(ExampleSubjects.ECHO_SUBJECT, new EchoResponder(codec, cluster));
    }

    @Test
    void theTypeIsRegisteredInTheSiblingRangeAndRoundTrips() {
        assertThat(serialization.registeredTypes()).containsEntry(ExampleMessage.TYPE_ID,
                ExampleMessage.class.getName());
        assertThat(ExampleMessage.TYPE_ID).isBetween(SerializationService.FIRST_APPLICATION_TYPE_ID,
                SerializationService.LAST_APPLICATION_TYPE_ID);
        ExampleMessage message = new ExampleMessage("node-1", 7, "hello wörld");
        assertThat(codec.decode(codec.encode(message))).isEqualTo(message);
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3})).isInstanceOf(SerializationException.class);
    }

    @Test
    void aMalformedMessageIsRefusedOnBothSides() {
        assertThatThrownBy(() -> new ExampleMessage("not a node id", 1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExampleMessage("node-1", 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExampleMessage("node-1", 1, "x".repeat(ExampleMessage.MAX_TEXT_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendsAndBroadcastsNumberedMessagesFromThisNode() {
        ExampleSender.Sent first = sender.send(N1, "hello");
        ExampleSender.Sent second = sender.broadcast("hi all");

        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(codec.decode(messaging.payloads("unicast").get(0))).isEqualTo(new ExampleMessage("node-2", 1, "hello"));
        assertThat(first.bytes()).isEqualTo(messaging.payloads("unicast").get(0).length);
        assertThat(codec.decode(messaging.payloads("broadcast").get(0)).text()).isEqualTo("hi all");
        assertThat(sender.activeOtherMembers()).containsExactly(N1, N3);
    }

    @Test
    void aRefusedSendSaysWhy() {
        cluster.set("node-3", NodeState.INACTIVE);

        assertThatThrownBy(() -> sender.send(N3, "hello")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node-3").hasMessageContaining("INACTIVE");
        assertThat(sender.activeOtherMembers()).containsExactly(N1);
    }

    @Test
    void aRequestGetsTheEchoFromTheAnsweringNode() throws Exception {
        ExampleMessage reply = sender.request(N1, "ping", TIMEOUT).get(5, TimeUnit.SECONDS);

        // The fake delivers to this node's responder, so the reply comes from node-2.
        assertThat(reply).isEqualTo(new ExampleMessage("node-2", 1, "ping"));
    }

    @Test
    void aRequestWithoutAHandlerFailsWithTheReason() {
        messaging.handlers.remove(ExampleSubjects.ECHO_SUBJECT);

        assertThatThrownBy(() -> sender.request(N1, "ping", TIMEOUT).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoRemoteHandlerException.class);
    }
}
