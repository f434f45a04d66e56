package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.delivery.EnvelopeSender;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.junit.jupiter.api.Test;

/** The transport's sender gets a message's fields, any other sender a {@link HeadedMessage}: the same message. */
class HeadedSenderTest {

    private static final NodeId LOCAL = NodeId.of("n1");
    private static final NodeId PEER = NodeId.of("n2");
    private static final MessageSubject SUBJECT = MessageSubject.of("s");

    /** Keeps what it is given, as messages; implements the transport's form only if asked to. */
    private static class Recording implements MessageSender {
        final List<ClusterMessage> messages = new ArrayList<>();

        @Override
        public boolean send(NodeId nodeId, ClusterMessage message) {
            messages.add(message);
            return true;
        }

        @Override
        public SendResult trySend(NodeId nodeId, ClusterMessage message) {
            return send(nodeId, message) ? SendResult.ACCEPTED : SendResult.QUEUE_FULL;
        }

        @Override
        public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class RecordingTransport extends Recording implements EnvelopeSender {
        int byFields;

        @Override
        public SendResult send(NodeId nodeId, MessageSubject subject, byte[] payload, byte kind, long requestId,
                byte status) {
            byFields++;
            messages.add(Envelope.message(LOCAL, subject, payload, kind, requestId, status));
            return SendResult.ACCEPTED;
        }
    }

    private static void sendEveryKind(HeadedSender sender, byte[] body) {
        assertThat(sender.send(PEER, SUBJECT, body, Kind.ONE_WAY, 0, null)).isTrue();
        assertThat(sender.trySend(PEER, SUBJECT, body, Kind.REQUEST, 7, null)).isEqualTo(SendResult.ACCEPTED);
        assertThat(sender.send(PEER, SUBJECT, body, Kind.REPLY, 7, Status.HANDLER_FAILED)).isTrue();
    }

    @Test
    void theTransportGetsTheFieldsAndAnyOtherSenderTheSameMessageAsAnObject() {
        byte[] body = {1, 2};
        RecordingTransport transport = new RecordingTransport();
        Recording other = new Recording();

        sendEveryKind(new HeadedSender(LOCAL, transport), body);
        sendEveryKind(new HeadedSender(LOCAL, other), body);

        assertThat(transport.byFields).isEqualTo(3);
        assertThat(transport.messages).containsExactlyElementsOf(other.messages).containsExactly(
                MessageHeader.oneWay(LOCAL, SUBJECT, body), MessageHeader.request(LOCAL, SUBJECT, 7, body),
                MessageHeader.reply(LOCAL, SUBJECT, 7, Status.HANDLER_FAILED, body));
    }
}
