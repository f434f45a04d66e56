package org.cohort.core.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cohort.core.membership.MembershipTableTest.N1;
import static org.cohort.core.membership.MembershipTableTest.N2;
import static org.cohort.core.membership.MembershipTableTest.N3;
import static org.cohort.core.membership.MembershipTableTest.settings;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.config.ConfigurationInForce;
import org.cohort.core.runtime.ManualClock;
import org.junit.jupiter.api.Test;

/** The ClusterService sibling bundles see: members, states, and events to listeners. */
class ClusterServiceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ConfigurationInForce configuration = new ConfigurationInForce(settings("n1", N1, N2));
    private final ClusterMembership service =
            new ClusterMembership(configuration, 77L, new ManualClock(T0));

    @Test
    void theLocalMemberIsAlwaysActiveWithTheNodesIncarnation() {
        ClusterMember local = service.localMember();
        assertThat(local.isLocal()).isTrue();
        assertThat(local.state()).isEqualTo(NodeState.ACTIVE);
        assertThat(local.incarnation()).isEqualTo(77L);
        assertThat(service.members()).extracting(ClusterMember::id).containsExactly(N1.id(), N2.id());
        assertThat(service.member(N2.id()).orElseThrow().state()).isEqualTo(NodeState.INACTIVE);
    }

    @Test
    void listenersHearActivatedAndDeactivatedInOrder() {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        service.addListener(events::add);

        service.nodeDetected(N2, 5L);
        service.nodeVanished(N2.id());
        service.nodeDetected(N2, 6L);

        assertThat(events).extracting(ClusterEvent::type).containsExactly(ClusterEvent.Type.ACTIVATED,
                ClusterEvent.Type.DEACTIVATED, ClusterEvent.Type.ACTIVATED);
        assertThat(events.get(0).member().incarnation()).isEqualTo(5L);
        assertThat(events.get(2).member().incarnation()).isEqualTo(6L);
        assertThat(events.get(1).member().state()).isEqualTo(NodeState.INACTIVE);
    }

    @Test
    void aConfigurationEditAddsAndRemovesMembersAndListenersHearIt() {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        service.addListener(events::add);
        service.nodeDetected(N2, 5L);
        events.clear();

        configuration.update(settings("n1", N1, N3));

        assertThat(events).extracting(event -> event.type() + " " + event.member().id()).containsExactly(
                "DEACTIVATED n2", "REMOVED n2", "ADDED n3");
        assertThat(events.get(1).member().state()).isEqualTo(NodeState.INACTIVE);
        assertThat(service.members()).extracting(ClusterMember::id).containsExactly(N1.id(), N3.id());
        assertThat(service.member(N3.id()).orElseThrow().state()).isEqualTo(NodeState.INACTIVE);

        service.nodeDetected(N2, 6L); // a late event for the member that left changes nothing
        service.nodeDetected(N3, 9L);

        assertThat(service.member(N2.id())).isEmpty();
        assertThat(events).extracting(event -> event.type() + " " + event.member().id()).endsWith("ACTIVATED n3");
    }

    @Test
    void aMemberThatMovedLeavesAndJoinsAgainInactive() throws Exception {
        service.nodeDetected(N2, 5L);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        service.addListener(events::add);
        ControllerNode moved = new ControllerNode(N2.id(), N2.ip(), N2.tcpPort() + 1);

        configuration.update(settings("n1", N1, moved));

        assertThat(events).extracting(event -> event.type() + " " + event.member().node()).containsExactly(
                "DEACTIVATED " + N2, "REMOVED " + N2, "ADDED " + moved);
        assertThat(service.member(N2.id()).orElseThrow().node()).isEqualTo(moved);
    }

    @Test
    void afterDeactivationEditsAreNotFollowed() {
        service.close();

        configuration.update(settings("n1", N1, N2, N3));

        assertThat(service.members()).extracting(ClusterMember::id).containsExactly(N1.id(), N2.id());
    }

    @Test
    void aRemovedListenerHearsNothingAndAFailingOneDoesNotSilenceTheOthers() {
        List<ClusterEvent> removedHeard = new CopyOnWriteArrayList<>();
        List<ClusterEvent> heard = new CopyOnWriteArrayList<>();
        ClusterEventListener removed = removedHeard::add;
        service.addListener(event -> {
            throw new IllegalStateException("broken listener");
        });
        service.addListener(removed);
        service.addListener(heard::add);
        service.removeListener(removed);

        service.nodeDetected(N2, 5L);

        assertThat(removedHeard).isEmpty();
        assertThat(heard).hasSize(1);
    }
}
