package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.envelope.HeadedMessage;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.junit.jupiter.api.Test;

class MessageHeaderTest {

    private static final NodeId FROM = NodeId.of("n1");
    private static final MessageSubject SUBJECT = MessageSubject.of("s");
    private static final byte[] BODY = {7, 8, 9};

    @Test
    void everyKindReadsBackWithItsBodyUncopied() {
        ClusterMessage oneWay = MessageHeader.oneWay(FROM, SUBJECT, BODY);
        assertThat(MessageHeader.of(oneWay)).isEqualTo(new MessageHeader(Kind.ONE_WAY, 0, null));
        assertThat(oneWay.payload()).isSameAs(BODY);

        ClusterMessage request = MessageHeader.request(FROM, SUBJECT, Long.MIN_VALUE + 5, BODY);
        assertThat(MessageHeader.of(request)).isEqualTo(new MessageHeader(Kind.REQUEST, Long.MIN_VALUE + 5, null));
        assertThat(request.payload()).isSameAs(BODY);

        for (Status status : Status.values()) {
            ClusterMessage reply = MessageHeader.reply(FROM, SUBJECT, 42, status, BODY);
            assertThat(MessageHeader.of(reply)).isEqualTo(new MessageHeader(Kind.REPLY, 42, status));
            assertThat(reply.payload()).isSameAs(BODY);
        }
    }

    @Test
    void messagesWithoutAValidHeaderReadAsNull() {
        assertThat(MessageHeader.of(new ClusterMessage(FROM, SUBJECT, new byte[] {(byte) 0xC7, 1, 2}))).isNull();
        assertThat(MessageHeader.of(HeadedMessage.of(FROM, SUBJECT, BODY, Envelope.REPLY, 1, (byte) 17))).isNull();
        assertThat(MessageHeader.of(HeadedMessage.of(FROM, SUBJECT, BODY, Envelope.REPLY, 1, (byte) -1))).isNull();
    }
}
