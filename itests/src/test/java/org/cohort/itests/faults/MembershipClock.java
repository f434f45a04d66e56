package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.cohort.itests.ClusterScript;

/**
 * When the nodes saw a membership change, read from their logs to the millisecond: the moment the last
 * of the observers logged a peer's transition. Waits with a deadline for every observer to log it.
 */
public final class MembershipClock {

    private final ClusterScript script;

    public MembershipClock(ClusterScript script) {
        this.script = script;
    }

    /**
     * Waits until each observer has logged the peer going to the state at or after {@code since}, and
     * returns when the last of them did (each observer's first such line).
     */
    public Instant awaitAllSaw(int[] observers, int peer, boolean active, Instant since, Duration deadline) {
        AtomicReference<Instant> last = new AtomicReference<>();
        String what = "node-" + peer + (active ? " ACTIVE" : " INACTIVE");
        await("every observer logs " + what).atMost(deadline).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    Instant latest = since;
                    for (int k : observers) {
                        Optional<NodeLog.Transition> seen = NodeLog.read(script.log(k))
                                .firstTransition("node-" + peer, active, since);
                        if (seen.isEmpty()) {
                            return false;
                        }
                        latest = seen.get().time().isAfter(latest) ? seen.get().time() : latest;
                    }
                    last.set(latest);
                    return true;
                });
        return last.get();
    }

    /**
     * Waits until, for every pair of the nodes that involves one of {@code changed}, each side's last
     * transition of the other logged at or after {@code since} is to ACTIVE, and returns when the last of
     * those was logged. (Pairs between unchanged nodes logged nothing new, and are not looked at.)
     */
    public Instant awaitAllActive(int[] nodes, int[] changed, Instant since, Duration deadline) {
        java.util.Set<Integer> moved = new java.util.HashSet<>();
        for (int k : changed) {
            moved.add(k);
        }
        AtomicReference<Instant> last = new AtomicReference<>();
        await("every node logs every other ACTIVE").atMost(deadline).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    Instant latest = since;
                    for (int k : nodes) {
                        NodeLog log = NodeLog.read(script.log(k));
                        for (int j : nodes) {
                            if (j == k || !moved.contains(j) && !moved.contains(k)) {
                                continue;
                            }
                            List<NodeLog.Transition> since_ = log.transitionsOf("node-" + j, since, Instant.MAX);
                            if (since_.isEmpty() || !since_.get(since_.size() - 1).active()) {
                                return false;
                            }
                            Instant at = since_.get(since_.size() - 1).time();
                            latest = at.isAfter(latest) ? at : latest;
                        }
                    }
                    last.set(latest);
                    return true;
                });
        return last.get();
    }

    /** The incarnations with which the observers last saw the peer ACTIVE at or after a moment. */
    public List<String> incarnations(int[] observers, int peer, Instant since) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int k : observers) {
            NodeLog.read(script.log(k)).transitionsOf("node-" + peer, since, Instant.MAX).stream()
                    .filter(NodeLog.Transition::active).reduce((a, b) -> b).ifPresent(t -> seen.add(t.incarnation()));
        }
        return seen;
    }

    /** Milliseconds between two moments. */
    public static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}
