package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that falls silent for real, a separate JVM frozen with SIGSTOP, its sockets still open: the
 * heartbeats and the failure detector must notice, and forget it again when it thaws.
 *
 * <p>How soon is not asserted here: on a loaded host the wall clock measures the host as much as Cohort.
 * The detector's time (the stream closed 1423 ms after the last heartbeat, within one tick) is
 * {@link SilentPeerHandlerTest}'s, on virtual time; the time to reconnect after the thaw is the redial
 * backoff's, whose ceiling is {@link BackoffTest}'s. The times measured are printed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SilentPeerTest {

    /** A deadline for a real wait, not a bound on the detector: see the class comment. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aFrozenPeerIsClosedAsSilentAndInactiveAndActiveAgainWithTheSameIncarnationOnceItThaws() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.recording(2)) {
            // The default failure detection: what an operator gets.
            InProcessNode local = cluster.create(cluster.settings(1, Duration.ofMillis(200), 64L * 1024 * 1024,
                    FailureDetectionSettings.DEFAULTS));
            local.start();
            Process peer = ForkedNode.start(cluster, 2);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> local.nodesDelegate.live.containsKey(InProcessCluster.id(2)));
                long firstIncarnation = local.nodesDelegate.live.get(InProcessCluster.id(2));

                ForkedNode.signal(peer, "STOP");
                long frozenAt = System.nanoTime();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                        .until(() -> !local.nodesDelegate.live.containsKey(InProcessCluster.id(2)));
                Duration detected = Duration.ofNanos(System.nanoTime() - frozenAt);
                // Closed by the silent-peer handler, not by the socket: the frozen JVM's sockets stay open.
                assertThat(local.manager.counters().get("silentPeersClosed")).isEqualTo(1);

                ForkedNode.signal(peer, "CONT");
                long thawedAt = System.nanoTime();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                        .until(() -> local.nodesDelegate.live.containsKey(InProcessCluster.id(2)));
                Duration recovered = Duration.ofNanos(System.nanoTime() - thawedAt);
                // Same process, same incarnation: it was silent, not restarted.
                assertThat(local.nodesDelegate.live.get(InProcessCluster.id(2))).isEqualTo(firstIncarnation);
                System.out.printf("silent peer: INACTIVE after %d ms, ACTIVE %d ms after SIGCONT%n",
                        detected.toMillis(), recovered.toMillis());
            } finally {
                ForkedNode.signal(peer, "CONT");
                peer.destroy();
                peer.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
