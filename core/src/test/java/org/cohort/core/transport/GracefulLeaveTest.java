package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.core.frame.Frames;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real node (n2) and a hand-driven peer (n1, a {@link FakePeer}): a node that stops says goodbye on its
 * stream and waits, up to the leave timeout, for the peer to close; a node hearing a goodbye reports the
 * peer as left, not vanished, and one that is malformed as bad input.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulLeaveTest {

    /** A deadline for real waits on real sockets and threads, generous for a loaded host; no bound asserted. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InProcessCluster cluster = InProcessCluster.recording(2);

    @AfterEach
    void stop() {
        cluster.close();
    }

    /** Starts n2 with the given leave timeout and connects the fake n1 to it. */
    private FakePeer fakeN1ConnectedTo2(Duration leaveTimeout) throws Exception {
        cluster.create(cluster.settings(2).withLeaveTimeout(leaveTimeout)).start();
        FakePeer peer = new FakePeer(cluster.member(1), cluster.member(2), 1);
        await().atMost(WAIT)
                .until(() -> cluster.node(2).manager.connectedPeers().contains(InProcessCluster.id(1)));
        return peer;
    }

    /** Stops n2 on a thread of its own; the returned thread has stopped it when it ends. */
    private Thread stopN2(AtomicLong stoppedAfterNanos) {
        long start = System.nanoTime();
        Thread stopper = new Thread(() -> {
            cluster.stop(2);
            stoppedAfterNanos.set(System.nanoTime() - start);
        }, "test-stop-n2");
        stopper.start();
        return stopper;
    }

    /** Reads the node's frames, heartbeats and all, up to its goodbye. */
    private static byte[] readUpToGoodbye(FakePeer peer) throws Exception {
        while (true) {
            byte[] frame = peer.readFrame();
            if (frame[0] == Frames.GOODBYE) {
                return frame;
            }
        }
    }

    @Test
    void aStoppingNodeSaysGoodbyeAndStopsAsSoonAsThePeerHasClosed() throws Exception {
        AtomicLong stoppedAfter = new AtomicLong(-1);
        // A leave timeout far beyond the wait below: a node that stops within the wait did not wait for it,
        // whatever a loaded host adds, so no time needs asserting.
        try (FakePeer peer = fakeN1ConnectedTo2(Duration.ofMinutes(2))) {
            Thread stopper = stopN2(stoppedAfter);

            assertThat(readUpToGoodbye(peer)).containsExactly(Frames.GOODBYE, Frames.GOODBYE_STOPPING);
            assertThat(stopper.isAlive()).as("the node waits for the peer to close").isTrue();
            peer.close();

            stopper.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(stopper.isAlive()).as("stopped once the peer closed, long before the leave timeout").isFalse();
        }
    }

    @Test
    void aPeerThatKeepsItsStreamOpenIsClosedAtTheLeaveTimeout() throws Exception {
        AtomicLong stoppedAfter = new AtomicLong(-1);
        try (FakePeer peer = fakeN1ConnectedTo2(Duration.ofMillis(300))) {
            Thread stopper = stopN2(stoppedAfter);

            readUpToGoodbye(peer);
            assertThat(peer.closedByNode()).isTrue();

            stopper.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(Duration.ofNanos(stoppedAfter.get())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void aPeerSayingGoodbyeIsReportedLeftNotVanished() throws Exception {
        try (FakePeer peer = fakeN1ConnectedTo2(Duration.ofSeconds(3))) {
            peer.sendFrame(Frames.GOODBYE, new byte[] {Frames.GOODBYE_STOPPING});

            assertThat(peer.closedByNode()).as("the node closes the stream at once").isTrue();
            awaitLastEventOfN2("left n1");
            assertThat(cluster.node(2).nodesDelegate.count("vanished")).isZero();
            assertThat(cluster.node(2).manager.counters().get("badFrames")).isZero();
        }
    }

    @Test
    void aGoodbyeOfTheWrongLengthIsBadInputAndThePeerVanished() throws Exception {
        try (FakePeer peer = fakeN1ConnectedTo2(Duration.ofSeconds(3))) {
            peer.sendFrame(Frames.GOODBYE, new byte[] {Frames.GOODBYE_STOPPING, 0});

            assertThat(peer.closedByNode()).isTrue();
            awaitLastEventOfN2("vanished n1");
            assertThat(cluster.node(2).nodesDelegate.count("left")).isZero();
            assertThat(cluster.node(2).manager.counters().get("badFrames")).isEqualTo(1);
        }
    }

    /** Waits for n2's node events to end with the given one. */
    private void awaitLastEventOfN2(String event) {
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(cluster.node(2).nodesDelegate.events).last().isEqualTo(event));
    }
}
