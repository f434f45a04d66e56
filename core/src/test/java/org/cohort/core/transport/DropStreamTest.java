package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConnectionManager#dropStream}, the hook behind {@code cluster:disconnect}: on two real nodes, the
 * stream closes at once (reset or not), both sides see it end, and the custodian dials a new one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DropStreamTest {

    private static final NodeId N1 = InProcessCluster.id(1);
    private static final NodeId N2 = InProcessCluster.id(2);

    private InProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aResetStreamEndsOnBothSidesAndIsDialedAgain() {
        assertDroppedAndRedialed(true);
    }

    @Test
    void aClosedStreamEndsOnBothSidesAndIsDialedAgain() {
        assertDroppedAndRedialed(false);
    }

    @Test
    void withoutALiveStreamNothingIsClosed() {
        cluster = InProcessCluster.recording(2);
        InProcessNode one = cluster.start(1); // node 2 never starts: no stream to it
        assertThat(one.manager.dropStream(N2, true)).isFalse();
    }

    private void assertDroppedAndRedialed(boolean reset) {
        cluster = InProcessCluster.recording(2);
        cluster.startAll();
        InProcessNode one = cluster.node(1);
        InProcessNode two = cluster.node(2);
        awaitConnected(one, two);
        String before = one.manager.streamAddresses(N2).toString();

        assertThat(one.manager.dropStream(N2, reset)).isTrue();

        // Both ends saw the stream end (the peer through the RST or FIN), then a new stream came up.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(one.nodesDelegate.count("vanished")).isEqualTo(1);
            assertThat(two.nodesDelegate.count("vanished")).isEqualTo(1);
        });
        awaitConnected(one, two);
        assertThat(one.manager.streamAddresses(N2).toString()).isNotEqualTo(before);
        assertThat(one.manager.peers().get(N2).reconnects()).isEqualTo(1);
        assertThat(two.manager.peers().get(N1).reconnects()).isEqualTo(1);
    }

    private static void awaitConnected(InProcessNode one, InProcessNode two) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(one.manager.connectedPeers()).containsExactly(N2);
            assertThat(two.manager.connectedPeers()).containsExactly(N1);
        });
    }
}
