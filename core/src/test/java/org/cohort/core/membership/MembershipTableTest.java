package org.cohort.core.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

class MembershipTableTest {

    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    static final Instant T1 = T0.plusSeconds(1);
    static final Instant T2 = T0.plusSeconds(2);
    static final Instant T3 = T0.plusSeconds(3);

    static final ControllerNode N1 = node("n1", 9001);
    static final ControllerNode N2 = node("n2", 9002);
    static final ControllerNode N3 = node("n3", 9003);

    private final MembershipTable table = new MembershipTable(settings("n1", N3, N1, N2), 42L, T0);
    private final List<MemberState> seen = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutDown() throws InterruptedException {
        other.shutdownNow();
        assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void localNodeStartsActiveAndTheOthersInactiveSortedById() {
        assertThat(table.states()).containsExactly(
                new MemberState(N1, State.ACTIVE, 42L, T0),
                new MemberState(N2, State.INACTIVE, 0L, T0),
                new MemberState(N3, State.INACTIVE, 0L, T0));
        assertThat(table.state(NodeId.of("n2"))).contains(new MemberState(N2, State.INACTIVE, 0L, T0));
        assertThat(table.state(NodeId.of("n9"))).isEmpty();
    }

    @Test
    void detectedMakesANodeActiveWithItsIncarnation() {
        table.addListener(seen::add);

        assertThat(table.nodeDetected(N2, 123L, T1)).isTrue();

        MemberState expected = new MemberState(N2, State.ACTIVE, 123L, T1);
        assertThat(table.state(N2.id())).contains(expected);
        assertThat(seen).containsExactly(expected);
        assertThat(table.state(N3.id())).contains(new MemberState(N3, State.INACTIVE, 0L, T0));
    }

    @Test
    void detectedAgainWithTheSameIncarnationIsNoChange() {
        table.nodeDetected(N2, 123L, T1);
        table.addListener(seen::add);

        assertThat(table.nodeDetected(N2, 123L, T2)).isFalse();

        assertThat(table.state(N2.id())).contains(new MemberState(N2, State.ACTIVE, 123L, T1));
        assertThat(seen).isEmpty();
    }

    @Test
    void vanishedMakesANodeInactiveAndKeepsItsIncarnation() {
        table.nodeDetected(N2, 123L, T1);
        table.addListener(seen::add);

        assertThat(table.nodeVanished(N2.id(), T2)).isTrue();
        assertThat(table.nodeVanished(N2.id(), T3)).isFalse();

        MemberState expected = new MemberState(N2, State.INACTIVE, 123L, T2);
        assertThat(table.state(N2.id())).contains(expected);
        assertThat(seen).containsExactly(expected);
    }

    @Test
    void leftMakesANodeInactiveAndLeftUntilItIsDetectedAgain() {
        table.nodeDetected(N2, 123L, T1);
        table.addListener(seen::add);

        assertThat(table.nodeLeft(N2.id(), T2)).isTrue();
        assertThat(table.nodeVanished(N2.id(), T2)).as("gone already").isFalse();
        assertThat(table.nodeDetected(N2, 124L, T3)).isTrue();

        assertThat(seen).containsExactly(new MemberState(N2, State.INACTIVE, 123L, T2, true),
                new MemberState(N2, State.ACTIVE, 124L, T3));
        assertThat(table.state(N2.id()).orElseThrow().left()).isFalse();
    }

    @Test
    void leftForANodeNeverSeenOrTheLocalNodeIsNoChange() {
        assertThat(table.nodeLeft(N2.id(), T1)).isFalse();
        assertThat(table.nodeLeft(N1.id(), T1)).isFalse();

        assertThat(table.states()).noneMatch(MemberState::left);
    }

    @Test
    void vanishedForANodeNeverSeenIsNoChange() {
        table.addListener(seen::add);

        assertThat(table.nodeVanished(N2.id(), T1)).isFalse();

        assertThat(table.state(N2.id())).contains(new MemberState(N2, State.INACTIVE, 0L, T0));
        assertThat(seen).isEmpty();
    }

    @Test
    void restartShowsTheNewIncarnation() {
        table.addListener(seen::add);

        table.nodeDetected(N2, 100L, T1);
        table.nodeVanished(N2.id(), T2);
        assertThat(table.nodeDetected(N2, 200L, T3)).isTrue();

        assertThat(table.state(N2.id())).contains(new MemberState(N2, State.ACTIVE, 200L, T3));
        assertThat(seen).extracting(MemberState::state, MemberState::incarnation).containsExactly(
                tuple(State.ACTIVE, 100L),
                tuple(State.INACTIVE, 100L),
                tuple(State.ACTIVE, 200L));
    }

    @Test
    void restartNoticedOnlyByANewHelloIsAChange() {
        table.nodeDetected(N2, 100L, T1);
        table.addListener(seen::add);

        assertThat(table.nodeDetected(N2, 200L, T2)).isTrue();

        MemberState expected = new MemberState(N2, State.ACTIVE, 200L, T2);
        assertThat(table.state(N2.id())).contains(expected);
        assertThat(seen).containsExactly(expected);
    }

    @Test
    void eventsForNonMembersAreIgnored() {
        table.addListener(seen::add);
        List<MemberState> before = table.states();

        assertThat(table.nodeDetected(node("stranger", 9009), 7L, T1)).isFalse();
        assertThat(table.nodeVanished(NodeId.of("stranger"), T2)).isFalse();

        assertThat(table.states()).isEqualTo(before);
        assertThat(table.state(NodeId.of("stranger"))).isEmpty();
        assertThat(seen).isEmpty();
    }

    @Test
    void eventsForTheLocalNodeAreIgnored() {
        table.addListener(seen::add);

        assertThat(table.nodeVanished(N1.id(), T1)).isFalse();
        assertThat(table.nodeDetected(N1, 99L, T2)).isFalse();

        assertThat(table.state(N1.id())).contains(new MemberState(N1, State.ACTIVE, 42L, T0));
        assertThat(seen).isEmpty();
    }

    @Test
    void aMemberReportedWithAnotherAddressKeepsItsConfiguredOne() {
        assertThat(table.nodeDetected(node("n2", 9999), 5L, T1)).isTrue();

        assertThat(table.state(N2.id())).contains(new MemberState(N2, State.ACTIVE, 5L, T1));
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        List<MemberState> first = new ArrayList<>();
        table.addListener(first::add);
        table.addListener(state -> {
            throw new IllegalStateException("listener bug");
        });
        table.addListener(seen::add);

        assertThat(table.nodeDetected(N2, 1L, T1)).isTrue();
        assertThat(table.nodeVanished(N2.id(), T2)).isTrue();

        assertThat(first).hasSize(2);
        assertThat(seen).containsExactlyElementsOf(first);
        assertThat(table.state(N2.id())).contains(new MemberState(N2, State.INACTIVE, 1L, T2));
    }

    @Test
    void aRemovedListenerIsNotCalled() {
        Consumer<MemberState> listener = seen::add;
        table.addListener(listener);
        table.removeListener(listener);

        table.nodeDetected(N2, 1L, T1);

        assertThat(seen).isEmpty();
    }

    @Test
    @Timeout(value = 10, threadMode = ThreadMode.SEPARATE_THREAD)
    void listenersRunAfterTheChangeAndOutsideTheLock() throws Exception {
        List<Boolean> otherThreadCouldChange = new ArrayList<>();
        List<MemberState> seenFromListener = new ArrayList<>();
        table.addListener(state -> {
            if (state.id().equals(N2.id())) {
                seenFromListener.add(table.state(N2.id()).orElseThrow());
                // Another thread changes the table while this listener runs: it would block forever
                // if the listener were called under the table's lock.
                Future<Boolean> change = other.submit(() -> table.nodeDetected(N3, 9L, T2));
                try {
                    otherThreadCouldChange.add(change.get(5, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });

        table.nodeDetected(N2, 1L, T1);

        assertThat(seenFromListener).containsExactly(new MemberState(N2, State.ACTIVE, 1L, T1));
        assertThat(otherThreadCouldChange).containsExactly(true);
        assertThat(table.state(N3.id())).contains(new MemberState(N3, State.ACTIVE, 9L, T2));
    }

    @Test
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void concurrentEventsForDifferentNodesAreEachApplied() throws Exception {
        int nodes = 8;
        int rounds = 2_000;
        List<ControllerNode> members = new ArrayList<>();
        members.add(N1);
        for (int i = 0; i < nodes; i++) {
            members.add(node("p" + i, 9100 + i));
        }
        MembershipTable shared = new MembershipTable(
                settings("n1", members.toArray(new ControllerNode[0])), 1L, T0);
        List<MemberState> changes = Collections.synchronizedList(new ArrayList<>());
        shared.addListener(changes::add);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (ControllerNode peer : members.subList(1, members.size())) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int round = 1; round <= rounds; round++) {
                        assertThat(shared.nodeDetected(peer, round, T1)).isTrue();
                        assertThat(shared.nodeVanished(peer.id(), T2)).isTrue();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(changes).hasSize(nodes * rounds * 2);
        assertThat(shared.states()).hasSize(nodes + 1).allSatisfy(state -> {
            if (!state.id().equals(N1.id())) {
                assertThat(state.state()).isEqualTo(State.INACTIVE);
                assertThat(state.incarnation()).isEqualTo(rounds);
            }
        });
        for (ControllerNode peer : members.subList(1, members.size())) {
            assertThat(changes).filteredOn(state -> state.id().equals(peer.id()))
                    .extracting(MemberState::incarnation)
                    .isSortedAccordingTo(Long::compare);
        }
    }

    static ControllerNode node(String id, int port) {
        return new ControllerNode(NodeId.of(id), InetAddress.getLoopbackAddress(), port);
    }

    static ClusterSettings settings(String localId, ControllerNode... members) {
        return new ClusterSettings("test", NodeId.of(localId), List.of(members), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1),
                1 << 20, 1 << 24);
    }
}
