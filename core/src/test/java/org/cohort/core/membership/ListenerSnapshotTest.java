package org.cohort.core.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.config.ConfigurationInForce;
import org.cohort.core.runtime.NodeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code addListener(listener, true)}: the current members first, then every later change, with nothing
 * missed or heard twice, while members come and go on other threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerSnapshotTest {

    private static final int REMOTES = 4;
    private static final int ROUNDS = 1_000;
    private static final int LISTENERS = 200;

    private final List<ControllerNode> members = new ArrayList<>();
    private final ClusterMembership service;

    ListenerSnapshotTest() throws Exception {
        for (int k = 1; k <= REMOTES + 1; k++) {
            members.add(new ControllerNode(NodeId.of("n" + k), InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                    9000 + k));
        }
        service = new ClusterMembership(new ConfigurationInForce(MembershipTableTest.settings("n1",
                members.toArray(ControllerNode[]::new))), 77L, NodeClock.SYSTEM);
    }

    @Test
    void theCurrentMembersComeFirstAsTheEventThatBroughtThemThere() {
        service.nodeDetected(members.get(1), 5L);
        service.nodeDetected(members.get(2), 6L);
        service.nodeLeft(members.get(2).id());
        List<ClusterEvent> heard = new ArrayList<>();

        service.addListener(heard::add, true);

        assertThat(heard).extracting(event -> event.member().id().id() + " " + event.type()
                + (event.member().hasLeft() ? " left" : "")).containsExactly(
                "n1 ACTIVATED", "n2 ACTIVATED", "n3 DEACTIVATED left", "n4 DEACTIVATED", "n5 DEACTIVATED");
        assertThat(heard).extracting(ClusterEvent::member).containsExactlyElementsOf(service.members());

        service.nodeVanished(members.get(1).id());
        assertThat(heard).hasSize(6).last().extracting(ClusterEvent::type).isEqualTo(ClusterEvent.Type.DEACTIVATED);
    }

    @Test
    void withoutTheReplayAListenerHearsOnlyLaterChanges() {
        service.nodeDetected(members.get(1), 5L);
        List<ClusterEvent> heard = new ArrayList<>();

        service.addListener(heard::add, false);

        assertThat(heard).isEmpty();
    }

    @Test
    void listenersAddedWhileMembersComeAndGoMissNothingAndHearNothingTwice() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int r = 1; r <= REMOTES; r++) {
            ControllerNode member = members.get(r);
            threads.add(new Thread(() -> comeAndGo(member, go), "test-member-" + member.id()));
        }
        List<Tracker> trackers = new CopyOnWriteArrayList<>();
        List<String> incompleteReplays = new CopyOnWriteArrayList<>();
        threads.add(new Thread(() -> {
            await(go);
            for (int i = 0; i < LISTENERS; i++) {
                Tracker tracker = new Tracker();
                service.addListener(tracker, true);
                if (tracker.membersHeard() != members.size()) {
                    incompleteReplays.add("listener " + i + " heard " + tracker.membersHeard() + " members");
                }
                trackers.add(tracker);
                Thread.yield();
            }
        }, "test-subscriber"));
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(incompleteReplays).isEmpty();
        assertThat(trackers).hasSize(LISTENERS);
        Map<NodeId, ClusterMember> now = new HashMap<>();
        service.members().forEach(member -> now.put(member.id(), member));
        for (Tracker tracker : trackers) {
            assertThat(tracker.violations).isEmpty();
            assertThat(tracker.last).isEqualTo(now);
        }
        assertThat(trackers.stream().mapToInt(tracker -> tracker.live).sum())
                .as("the listeners joined while members came and went").isPositive();
    }

    /** One member's life: detected with incarnation 1, 2, 3..., vanishing or leaving in between. */
    private void comeAndGo(ControllerNode member, CountDownLatch go) {
        await(go);
        for (long incarnation = 1; incarnation <= ROUNDS; incarnation++) {
            service.nodeDetected(member, incarnation);
            if (incarnation % 2 == 0) {
                service.nodeLeft(member.id());
            } else {
                service.nodeVanished(member.id());
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks that each member's events follow its life step by step: ACTIVE(k) is followed by INACTIVE(k),
     * INACTIVE(k) by ACTIVE(k+1). A repeat is an event heard twice; a jump is one missed.
     */
    private static final class Tracker implements ClusterEventListener {
        final Map<NodeId, ClusterMember> last = new HashMap<>();
        final List<String> violations = new ArrayList<>();
        int live;

        @Override
        public synchronized void event(ClusterEvent event) {
            ClusterMember member = event.member();
            ClusterMember before = last.put(member.id(), member);
            if (before == null) {
                return; // the replay
            }
            live++;
            boolean next = before.state() == NodeState.ACTIVE
                    ? member.state() == NodeState.INACTIVE && member.incarnation() == before.incarnation()
                    : member.state() == NodeState.ACTIVE && member.incarnation() == before.incarnation() + 1;
            if (!next || event.type() != (member.state() == NodeState.ACTIVE ? ClusterEvent.Type.ACTIVATED
                    : ClusterEvent.Type.DEACTIVATED)) {
                violations.add(before + " then " + event);
            }
        }

        synchronized int membersHeard() {
            return last.size();
        }
    }
}
