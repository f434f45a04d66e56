package org.cohort.testtools.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.testtools.testing.Fakes;
import org.junit.jupiter.api.Test;

class LoadCodecTest {

    /** Same component names and types as LoadMessage, without its checks: what a hostile node could send. */
    record Forged(String origin, long epoch, String lane, long seq, long sentAtMillis, long sentAtNanos, String text,
            byte[] padding) {
    }

    private static LoadMessage sample(byte[] padding) {
        return new LoadMessage("node-1", 42L, "send", 7, 1_700_000_000_000L, 123_456_789L, "hello wörld", padding);
    }

    @Test
    void registersUnderItsStableIdAndRoundTrips() {
        SerializationService serialization = Fakes.serialization();
        LoadCodec codec = new LoadCodec(serialization);

        assertThat(serialization.registeredTypes()).containsEntry(LoadMessage.TYPE_ID, LoadMessage.class.getName());
        assertThat(LoadMessage.TYPE_ID).isBetween(SerializationService.FIRST_APPLICATION_TYPE_ID,
                SerializationService.LAST_APPLICATION_TYPE_ID);
        for (byte[] padding : new byte[][] {null, new byte[0], new byte[] {1, 2, 3}, new byte[100_000]}) {
            LoadMessage message = sample(padding);
            assertThat(codec.decode(codec.encode(message))).isEqualTo(message);
        }
    }

    @Test
    void closingTheComponentRemovesTheRegistration() {
        SerializationService serialization = Fakes.serialization();
        LoadCodec codec = new LoadCodec(serialization);
        byte[] bytes = codec.encode(sample(null));

        codec.close();

        assertThat(serialization.registeredTypes()).doesNotContainKey(LoadMessage.TYPE_ID);
        assertThatThrownBy(() -> codec.encode(sample(null))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(SerializationException.class);
        // Registering again, as a restarted component does, works.
        new LoadCodec(serialization).close();
    }

    @Test
    void aSecondRegistrationOfTheIdIsRefused() {
        KryoSerialization runtime = new KryoSerialization();
        LoadCodec first = new LoadCodec(Fakes.serialization(runtime, "first"));
        try {
            assertThatThrownBy(() -> new LoadCodec(Fakes.serialization(runtime, "second")))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            first.close();
        }
    }

    @Test
    void aMessageThatBreaksTheChecksFailsToDecode() {
        OwnedSerializationService hostile = Fakes.serialization(new KryoSerialization(), "hostile");
        hostile.register(LoadMessage.TYPE_ID, Forged.class);
        LoadCodec codec = new LoadCodec(Fakes.serialization());

        byte[] good = hostile.serialize(new Forged("node-2", 1, "send", 1, 0, 0, "fine", null));
        assertThat(codec.decode(good).origin()).isEqualTo("node-2");

        for (Forged forged : new Forged[] {
            new Forged("node-2", 1, "send", 0, 0, 0, "seq 0", null),
            new Forged("not a node id", 1, "send", 1, 0, 0, "bad origin", null),
            new Forged("node-2", 1, "", 1, 0, 0, "empty lane", null),
            new Forged("node-2", 1, "send", 1, 0, 0, null, null),
            new Forged("node-2", 1, "x".repeat(LoadMessage.MAX_LANE_CHARS + 1), 1, 0, 0, "long lane", null)}) {
            byte[] bytes = hostile.serialize(forged);
            assertThatThrownBy(() -> codec.decode(bytes)).as(forged.toString())
                    .isInstanceOf(SerializationException.class);
        }
        assertThatThrownBy(() -> codec.decode(hostile.serialize(null))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3})).isInstanceOf(SerializationException.class);
    }

    @Test
    void theConstructorChecksEveryField() {
        assertThatThrownBy(() -> new LoadMessage("node-1", 0, "send", 0, 0, 0, "", null))
                .hasMessageContaining("seq");
        assertThatThrownBy(() -> new LoadMessage("node 1", 0, "send", 1, 0, 0, "", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoadMessage("node-1", 0, "send", 1, 0, 0,
                "x".repeat(LoadMessage.MAX_TEXT_CHARS + 1), null)).hasMessageContaining("text");
        assertThat(sample(null).paddingLength()).isZero();
        assertThat(sample(new byte[5]).paddingLength()).isEqualTo(5);
    }
}
