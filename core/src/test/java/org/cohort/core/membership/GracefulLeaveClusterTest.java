package org.cohort.core.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cohort.core.testing.InProcessCluster.id;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three whole nodes in one JVM: when node 3 stops, nodes 1 and 2 see it left, from its goodbye, long
 * before their failure detectors could have judged it; their listeners hear the DEACTIVATED they already
 * handle, marked left; when node 3 comes back, ACTIVATED and no longer left.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulLeaveClusterTest {

    /**
     * A deadline for a real wait, not a bound asserted: a departure seen as left was the goodbye's doing
     * whenever it is seen, since the failure detector's verdict is INACTIVE and never left; and the goodbye
     * acts at once, no clock involved ({@code GoodbyeHandlerTest}, {@link MembershipTableTest}).
     */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InProcessCluster cluster = new InProcessCluster(3);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aStoppedNodeIsSeenLeftAtOnceAndActiveAndNotLeftWhenItIsBack() {
        assertThat(cluster.settings(1).failureDetection()).isEqualTo(InProcessCluster.PATIENT);
        cluster.startAll();
        List<ClusterEvent> heardBy1 = new CopyOnWriteArrayList<>();
        List<ClusterEvent> heardBy2 = new CopyOnWriteArrayList<>();
        cluster.node(1).clusterService.addListener(heardBy1::add, false);
        cluster.node(2).clusterService.addListener(heardBy2::add, false);

        cluster.stop(3);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            for (int k = 1; k <= 2; k++) {
                ClusterMember three = cluster.node(k).clusterService.member(id(3)).orElseThrow();
                assertThat(three.state()).isEqualTo(NodeState.INACTIVE);
                assertThat(three.hasLeft()).as("node %d sees node 3 left", k).isTrue();
                assertThat(cluster.node(k).membership.state(id(3)).orElseThrow().left()).isTrue();
            }
        });
        for (List<ClusterEvent> heard : List.of(heardBy1, heardBy2)) {
            assertThat(heard).singleElement().satisfies(event -> {
                assertThat(event.type()).isEqualTo(ClusterEvent.Type.DEACTIVATED);
                assertThat(event.member().id()).isEqualTo(id(3));
                assertThat(event.member().hasLeft()).isTrue();
            });
        }
        // The others stay as they were: only node 3 left.
        assertThat(cluster.node(1).clusterService.member(id(2)).orElseThrow().state()).isEqualTo(NodeState.ACTIVE);

        InProcessNode back = cluster.start(3);

        await().atMost(WAIT).untilAsserted(() -> {
            for (int k = 1; k <= 2; k++) {
                ClusterMember three = cluster.node(k).clusterService.member(id(3)).orElseThrow();
                assertThat(three.state()).isEqualTo(NodeState.ACTIVE);
                assertThat(three.incarnation()).isEqualTo(back.incarnation);
                assertThat(three.hasLeft()).isFalse();
            }
        });
        for (List<ClusterEvent> heard : List.of(heardBy1, heardBy2)) {
            assertThat(heard).last().satisfies(event -> {
                assertThat(event.type()).isEqualTo(ClusterEvent.Type.ACTIVATED);
                assertThat(event.member().hasLeft()).isFalse();
            });
        }
    }
}
