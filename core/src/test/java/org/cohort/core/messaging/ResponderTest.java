package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.cohort.core.runtime.NodeClock;
import org.junit.jupiter.api.Test;

/** The Responder on its own, on the calling thread: which messages it runs, answers, or drops. */
class ResponderTest {

    private static final NodeId LOCAL = NodeId.of("node-2");
    private static final NodeId PEER = NodeId.of("node-1");
    private static final MessageSubject NEWS = MessageSubject.of("test.news");
    private static final MessageSubject REPLY = MessageSubject.of(MessageHeader.REPLY_SUBJECT);

    private final RecordingSender replies = new RecordingSender();
    private final Responder responder = new Responder(LOCAL, REPLY, replies, NodeClock.SYSTEM);
    private final List<String> handled = new ArrayList<>();

    private void handle(ClusterMessage message) {
        responder.handle(message, Function.identity(), (NodeId from, byte[] payload) -> {
            handled.add(from + ": " + payload.length);
            return new byte[] {42};
        }, Function.identity());
    }

    @Test
    void aPlainMessageIsHandledOneWayWithItsSenderAndAnswersNothing() {
        handle(new ClusterMessage(PEER, NEWS, new byte[3]));

        assertThat(handled).containsExactly("node-1: 3");
        assertThat(replies.sent).isEmpty();
        assertThat(responder.malformedCount()).isZero();
    }

    @Test
    void aRequestIsAnsweredWithTheHandlersReply() {
        handle(MessageHeader.request(PEER, NEWS, 7L, new byte[2]));

        assertThat(handled).containsExactly("node-1: 2");
        assertThat(replies.sent).singleElement().satisfies(reply -> {
            assertThat(MessageHeader.kindOf(reply)).isEqualTo(Kind.REPLY);
            assertThat(MessageHeader.requestIdOf(reply)).isEqualTo(7L);
            assertThat(MessageHeader.statusOf(reply)).isEqualTo(Status.OK);
            assertThat(reply.payload()).containsExactly(42);
        });
    }

    @Test
    void aReplyOnASubscribersSubjectIsTheOnlyMalformedKind() {
        handle(HeadedMessage.of(PEER, NEWS, new byte[1], Envelope.REPLY, 5L, (byte) 0));

        assertThat(handled).isEmpty();
        assertThat(responder.malformedCount()).isEqualTo(1);
    }

    @Test
    void anUndeliveredPlainMessageIsNeitherAnsweredNorMalformedAndARequestIsAnsweredNoHandler() {
        responder.undelivered(new ClusterMessage(PEER, NEWS, new byte[1]), SubjectDispatcher.Undelivered.NO_HANDLER);
        assertThat(replies.sent).isEmpty();
        assertThat(responder.malformedCount()).isZero();

        responder.undelivered(MessageHeader.request(PEER, NEWS, 9L, new byte[1]),
                SubjectDispatcher.Undelivered.NO_HANDLER);
        assertThat(replies.sent).singleElement()
                .satisfies(reply -> assertThat(MessageHeader.statusOf(reply)).isEqualTo(Status.NO_HANDLER));
    }

    /** Records the replies the Responder sends back. */
    private static final class RecordingSender implements MessageSender {
        final List<ClusterMessage> sent = new ArrayList<>();

        @Override
        public boolean send(NodeId nodeId, ClusterMessage message) {
            return trySend(nodeId, message).accepted();
        }

        @Override
        public SendResult trySend(NodeId nodeId, ClusterMessage message) {
            assertThat(nodeId).isEqualTo(PEER);
            sent.add(message);
            return SendResult.ACCEPTED;
        }

        @Override
        public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
