package org.cohort.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.junit.jupiter.api.Test;

/** One class per shape of header: the same fields make equal messages of the same class. */
class HeadedMessageTest {

    private static final NodeId FROM = NodeId.of("n1");
    private static final MessageSubject SUBJECT = MessageSubject.of("s");

    @Test
    void aOneWayMessageHasNoRequestIdOrStatusAndEqualsItsTwin() {
        HeadedMessage oneWay = HeadedMessage.of(FROM, SUBJECT, new byte[] {1}, Envelope.ONE_WAY, 9, (byte) 3);

        assertThat(oneWay.kind()).isEqualTo(Envelope.ONE_WAY);
        assertThat(oneWay.requestId()).as("a one-way message has none").isZero();
        assertThat(oneWay.status()).isZero();
        assertThat(oneWay).isEqualTo(HeadedMessage.of(FROM, SUBJECT, new byte[] {1}, Envelope.ONE_WAY, 0, (byte) 0))
                .hasSameHashCodeAs(HeadedMessage.of(FROM, SUBJECT, new byte[] {1}, Envelope.ONE_WAY, 0, (byte) 0))
                .isNotEqualTo(HeadedMessage.of(FROM, SUBJECT, new byte[] {1}, Envelope.REQUEST, 0, (byte) 0));
    }

    @Test
    void requestsAndRepliesKeepTheirFields() {
        HeadedMessage reply = HeadedMessage.of(FROM, SUBJECT, new byte[0], Envelope.REPLY, 42, (byte) 2);
        HeadedMessage request = HeadedMessage.of(FROM, SUBJECT, new byte[0], Envelope.REQUEST, 42, (byte) 2);

        assertThat(reply.kind()).isEqualTo(Envelope.REPLY);
        assertThat(reply.requestId()).isEqualTo(42);
        assertThat(reply.status()).isEqualTo((byte) 2);
        assertThat(request.status()).as("only a reply has a status").isZero();
        assertThat(reply).isNotEqualTo(HeadedMessage.of(FROM, SUBJECT, new byte[0], Envelope.REPLY, 42, (byte) 1));
    }

    @Test
    void anUnknownKindIsRefused() {
        assertThatThrownBy(() -> HeadedMessage.of(FROM, SUBJECT, new byte[0], Envelope.PLAIN, 0, (byte) 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown message kind 0");
    }
}
