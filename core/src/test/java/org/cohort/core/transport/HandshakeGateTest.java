package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeGateTest {

    private static final InetAddress MEMBER = address(2);
    private static final InetAddress STRANGER = address(200);
    private static final long T0 = 1_000_000_000L;

    private final HandshakeGate gate = new HandshakeGate(() -> Set.of(MEMBER));

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long seconds(double s) {
        return T0 + (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aSourceMayHoldAFewHandshakesAtOnceAndMembersAreNotCounted() {
        for (int i = 0; i < HandshakeGate.MAX_PENDING_PER_SOURCE; i++) {
            assertThat(gate.opened(STRANGER, T0)).isEqualTo(HandshakeGate.Verdict.PENDING);
        }
        assertThat(gate.opened(STRANGER, T0)).isEqualTo(HandshakeGate.Verdict.REFUSED_PER_SOURCE);
        for (int i = 0; i < 100; i++) {
            assertThat(gate.opened(MEMBER, T0)).isEqualTo(HandshakeGate.Verdict.EXEMPT);
        }
        assertThat(gate.pending()).isEqualTo(HandshakeGate.MAX_PENDING_PER_SOURCE);

        gate.ended(STRANGER, true, T0);

        assertThat(gate.opened(STRANGER, T0)).isEqualTo(HandshakeGate.Verdict.PENDING);
    }

    @Test
    void allSourcesTogetherMayHoldABoundedNumber() {
        int opened = 0;
        for (int source = 1; opened < HandshakeGate.MAX_PENDING; source++) {
            for (int i = 0; i < HandshakeGate.MAX_PENDING_PER_SOURCE && opened < HandshakeGate.MAX_PENDING; i++) {
                assertThat(gate.opened(address(100 + source), T0)).isEqualTo(HandshakeGate.Verdict.PENDING);
                opened++;
            }
        }

        assertThat(gate.opened(address(250), T0)).isEqualTo(HandshakeGate.Verdict.REFUSED_TOTAL);
        assertThat(gate.opened(MEMBER, T0)).isEqualTo(HandshakeGate.Verdict.EXEMPT);
    }

    @Test
    void aSourceThatKeepsFailingIsTurnedAwayForLongerEachTimeAndForgivenLater() {
        for (int i = 1; i < HandshakeGate.FAILURES_BEFORE_THROTTLE; i++) {
            gate.opened(STRANGER, T0);
            assertThat(gate.ended(STRANGER, false, T0)).isFalse();
        }
        gate.opened(STRANGER, T0);
        assertThat(gate.ended(STRANGER, false, T0)).as("the fifth failure throttles").isTrue();

        assertThat(gate.opened(STRANGER, seconds(0.5))).isEqualTo(HandshakeGate.Verdict.THROTTLED);
        assertThat(gate.opened(MEMBER, seconds(0.5))).isEqualTo(HandshakeGate.Verdict.EXEMPT);
        assertThat(gate.opened(address(201), seconds(0.5))).isEqualTo(HandshakeGate.Verdict.PENDING);

        assertThat(gate.opened(STRANGER, seconds(1.1))).as("after 1 s").isEqualTo(HandshakeGate.Verdict.PENDING);
        gate.ended(STRANGER, false, seconds(1.1));
        assertThat(gate.throttledNanos(STRANGER, seconds(1.1))).isEqualTo(TimeUnit.SECONDS.toNanos(2));

        for (int i = 0; i < 10; i++) {
            long now = seconds(100 + 40 * i);
            assertThat(gate.opened(STRANGER, now)).isEqualTo(HandshakeGate.Verdict.PENDING);
            gate.ended(STRANGER, false, now);
        }
        assertThat(gate.throttledNanos(STRANGER, seconds(460))).as("capped at 30 s")
                .isEqualTo(HandshakeGate.MAX_THROTTLE_NANOS);

        long quietLater = seconds(460) + HandshakeGate.FORGET_AFTER_NANOS + 1;
        assertThat(gate.opened(STRANGER, quietLater)).isEqualTo(HandshakeGate.Verdict.PENDING);
        assertThat(gate.ended(STRANGER, false, quietLater)).as("starts over").isFalse();
    }

    @Test
    void itRemembersABoundedNumberOfSources() {
        for (int i = 0; i < HandshakeGate.MAX_TRACKED_SOURCES + 100; i++) {
            InetAddress source;
            try {
                source = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            gate.opened(source, T0 + i);
            gate.ended(source, false, T0 + i);
        }

        assertThat(gate.pending()).isZero();
        assertThat(gate.trackedSources()).isEqualTo(HandshakeGate.MAX_TRACKED_SOURCES);
    }
}
