package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.junit.jupiter.api.Test;

class MessageHeaderTest {

    private static final byte[] BODY = {7, 8, 9};

    @Test
    void roundTripsEachKind() {
        byte[] oneWay = MessageHeader.oneWay(BODY);
        assertThat(MessageHeader.parse(oneWay)).isEqualTo(new MessageHeader(Kind.ONE_WAY, 0, null, 2));
        assertThat(MessageHeader.parse(oneWay).body(oneWay)).containsExactly(BODY);

        byte[] request = MessageHeader.request(Long.MIN_VALUE + 5, BODY);
        assertThat(MessageHeader.parse(request)).isEqualTo(new MessageHeader(Kind.REQUEST, Long.MIN_VALUE + 5, null, 10));
        assertThat(MessageHeader.parse(request).body(request)).containsExactly(BODY);

        for (Status status : Status.values()) {
            byte[] reply = MessageHeader.reply(42, status, BODY);
            assertThat(MessageHeader.parse(reply)).isEqualTo(new MessageHeader(Kind.REPLY, 42, status, 11));
            assertThat(MessageHeader.parse(reply).body(reply)).containsExactly(BODY);
        }
        assertThat(MessageHeader.parse(MessageHeader.reply(1, Status.OK, new byte[0])).body(
                MessageHeader.reply(1, Status.OK, new byte[0]))).isEmpty();
    }

    @Test
    void rejectsShortUnknownOrForeignPayloadsWithoutThrowing() {
        byte m = MessageHeader.MAGIC;
        assertThat(MessageHeader.parse(null)).isNull();
        assertThat(MessageHeader.parse(new byte[0])).isNull();
        assertThat(MessageHeader.parse(new byte[] {m})).isNull();
        assertThat(MessageHeader.parse(new byte[] {0, Kind.ONE_WAY.code})).isNull();
        assertThat(MessageHeader.parse(new byte[] {m, 0})).isNull();
        assertThat(MessageHeader.parse(new byte[] {m, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0})).isNull();
        assertThat(MessageHeader.parse(new byte[] {m, Kind.REQUEST.code, 0, 0, 0, 0, 0, 0, 0})).isNull();
        assertThat(MessageHeader.parse(new byte[] {m, Kind.REPLY.code, 0, 0, 0, 0, 0, 0, 0, 1})).isNull();
        assertThat(MessageHeader.parse(new byte[] {m, Kind.REPLY.code, 0, 0, 0, 0, 0, 0, 0, 1, 17})).isNull();
    }
}
