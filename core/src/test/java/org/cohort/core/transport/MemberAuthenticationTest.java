package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSecret;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Members prove the cluster secret over real sockets; a node without it, or with another, stays out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemberAuthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ClusterSecret SECRET = ClusterSecret.of("a shared secret for the tests");

    private final InProcessCluster cluster = InProcessCluster.recording(3);

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void start(int k, ClusterSecret secret) {
        cluster.create(cluster.settings(k).withSecret(secret)).start();
    }

    private long refusedForAuthentication(int k) {
        return cluster.node(k).manager.handshakesRefusedByReason().get("authentication");
    }

    @Test
    void membersWithTheSecretFormTheClusterAndTalk() {
        for (int k = 1; k <= 3; k++) {
            start(k, SECRET);
        }

        await().atMost(WAIT).untilAsserted(() -> {
            for (int k = 1; k <= 3; k++) {
                assertThat(cluster.node(k).manager.connectedPeers()).hasSize(2);
            }
        });
        ClusterMessage message = new ClusterMessage(InProcessCluster.id(1), MessageSubject.of("hi"), new byte[] {4, 2});
        assertThat(cluster.node(1).manager.send(InProcessCluster.id(3), message)).isTrue();
        await().atMost(WAIT).until(() -> message.equals(cluster.node(3).commsDelegate.messages.peek()));
        for (int k = 1; k <= 3; k++) {
            assertThat(refusedForAuthentication(k)).isZero();
        }
    }

    @Test
    void aNodeWithAnotherSecretIsRefusedAndTheMembersCarryOn() {
        start(1, SECRET);
        start(2, ClusterSecret.of("not the cluster's secret at all"));
        start(3, SECRET);

        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().contains(InProcessCluster.id(3)));
        await().atMost(WAIT).until(() -> refusedForAuthentication(1) > 0 && refusedForAuthentication(3) > 0);

        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(3));
        assertThat(cluster.node(2).manager.connectedPeers()).isEmpty();
        assertThat(cluster.node(1).nodesDelegate.count("detected n2")).isZero();
        assertThat(cluster.node(2).nodesDelegate.events).isEmpty();
    }

    @Test
    void aSecretOnOneSideOnlyIsRefusedBothWays() {
        start(1, SECRET);
        start(2, ClusterSecret.NONE);

        await().atMost(WAIT).until(() -> refusedForAuthentication(1) > 0 && refusedForAuthentication(2) > 0);

        assertThat(cluster.node(1).manager.connectedPeers()).isEmpty();
        assertThat(cluster.node(2).manager.connectedPeers()).isEmpty();
    }
}
