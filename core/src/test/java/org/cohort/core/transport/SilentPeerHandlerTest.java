package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat ticker and the silent-peer handler on an {@link EmbeddedChannel} whose time stands still but for what the test
 * advances: the handlers' clock and the channel's scheduler move together, and a stall of this node is
 * time that passes without the event loop running.
 *
 * <p>Default failure detection throughout: 100 ms heartbeats, and a peer with regular heartbeats judged
 * silent 1422.6 ms after its last one (see {@link PhiAccrualFailureDetectorTest}).
 */
class SilentPeerHandlerTest {

    private static final long INTERVAL_MS = 100;

    private final TransportCounters counters = new TransportCounters();
    private long nowNanos = 5_000_000_000L;
    private final EmbeddedChannel channel = new EmbeddedChannel();

    SilentPeerHandlerTest() {
        channel.freezeTime();
        channel.pipeline().addLast(
                new HeartbeatTicker(FailureDetectionSettings.DEFAULTS.heartbeatInterval(), () -> nowNanos),
                new SilentPeerHandler(NodeId.of("node-2"), FailureDetectionSettings.DEFAULTS, counters,
                        () -> nowNanos));
    }

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    /** Time passes while the event loop runs on time: every task due meanwhile runs when it is due. */
    private void runFor(long millis) {
        for (long ms = 0; ms < millis && channel.isOpen(); ms++) {
            advance(1);
            channel.runScheduledPendingTasks();
            channel.releaseOutbound();
        }
    }

    /** Time passes and the event loop does not run at all: this node is stalled. */
    private void stallFor(long millis) {
        advance(millis);
    }

    private void advance(long millis) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    }

    private void heartbeatFromPeer() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {Frames.HEARTBEAT}));
    }

    /** Two seconds of a live peer heartbeating every 100 ms while this node runs on time. */
    private void regularHeartbeats() {
        for (int i = 0; i < 20; i++) {
            runFor(INTERVAL_MS);
            heartbeatFromPeer();
        }
    }

    /** Runs on time until the stream closes; returns how long that took, in ms. */
    private long millisUntilClosed(long atMostMs) {
        long ran = 0;
        while (channel.isOpen() && ran < atMostMs) {
            runFor(1);
            ran++;
        }
        return ran;
    }

    @Test
    void aFrozenPeerIsClosedOnceThePhiThresholdIsCrossedAsBefore() {
        regularHeartbeats();

        long silentMs = millisUntilClosed(5_000);

        assertThat(channel.isOpen()).isFalse();
        // phi crosses 8 after 1422.6 ms; the next tick (every 100 ms) closes the stream
        assertThat(silentMs).isBetween(1423L, 1423L + INTERVAL_MS);
        assertThat(counters.silentPeersClosed.sum()).isEqualTo(1);
        assertThat(counters.localStallsExcused.sum()).isZero();
    }

    @Test
    void aStallOfThisNodeDoesNotCloseTheStreamOfALivePeer() {
        regularHeartbeats();

        // 3 s without running; the peer's heartbeats meanwhile wait in the socket. The first thing that
        // runs is the late tick, before any read: before, it judged the peer silent for 3 s.
        stallFor(3_000);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        for (int i = 0; i < 30; i++) {
            heartbeatFromPeer(); // the backlog
        }
        regularHeartbeats();

        assertThat(channel.isOpen()).isTrue();
        assertThat(counters.silentPeersClosed.sum()).isZero();
        assertThat(counters.localStallsExcused.sum()).isEqualTo(1);
    }

    @Test
    void aPeerThatFreezesIsStillCaughtAfterTheSameRunningTimeWhenThisNodeStallsMeanwhile() {
        regularHeartbeats();
        runFor(300);

        stallFor(3_000);
        long silentMs = 300 + 3_000 + millisUntilClosed(5_000);

        assertThat(channel.isOpen()).isFalse();
        // The next tick was due 100 ms into the stall, and half an interval of lateness is never excused:
        // 3000 - 100 - 50 ms are. The peer is judged on the 1422.6 ms of silence that remain.
        long excused = 3_000 - INTERVAL_MS - INTERVAL_MS / 2;
        assertThat(silentMs - excused).isBetween(1423L, 1423L + INTERVAL_MS);
        assertThat(counters.silentPeersClosed.sum()).isEqualTo(1);
    }

    @Test
    void lateTicksWithinHalfAnIntervalAreNotExcused() {
        regularHeartbeats();

        // every tick runs 40 ms late: the host is busy, not stalled
        long silentMs = 0;
        while (channel.isOpen() && silentMs < 5_000) {
            stallFor(INTERVAL_MS + 40);
            channel.runScheduledPendingTasks();
            channel.releaseOutbound();
            silentMs += INTERVAL_MS + 40;
        }

        assertThat(channel.isOpen()).isFalse();
        assertThat(silentMs).isBetween(1423L, 1423L + INTERVAL_MS + 40);
        assertThat(counters.localStallsExcused.sum()).isZero();
    }

    @Test
    void aReadsFramesTakeOneClockReadingAndTheNextReadAnother() {
        int[] readings = {0};
        EmbeddedChannel counted = new EmbeddedChannel();
        try {
            counted.pipeline().addLast(new SilentPeerHandler(NodeId.of("node-2"), FailureDetectionSettings.DEFAULTS,
                    counters, () -> {
                        readings[0]++;
                        return nowNanos;
                    }));
            int atStart = readings[0];

            counted.writeInbound(frame(Frames.MESSAGE), frame(Frames.HEARTBEAT), frame(Frames.MESSAGE),
                    frame(Frames.MESSAGE)); // one read: the frames, then the read's end
            assertThat(readings[0] - atStart).isEqualTo(1);
            counted.writeInbound(frame(Frames.HEARTBEAT));
            assertThat(readings[0] - atStart).isEqualTo(2);
            assertThat(counted.inboundMessages()).as("the heartbeats end here, the rest goes on").hasSize(3);
        } finally {
            counted.finishAndReleaseAll();
        }
    }

    private static io.netty.buffer.ByteBuf frame(byte type) {
        return Unpooled.wrappedBuffer(new byte[] {type, 0, 0, 0});
    }
}
