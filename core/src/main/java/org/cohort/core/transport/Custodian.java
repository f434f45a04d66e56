package org.cohort.core.transport;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials, on a timer, every member that has neither a stream nor a dial under way. A member that keeps
 * failing is retried with exponential backoff and jitter; a stream that closes is redialed at once.
 * Dialing is asynchronous: the custodian never waits for a connect, and senders never wait for it.
 */
final class Custodian {

    private static final Logger LOG = LoggerFactory.getLogger(Custodian.class);
    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConnectionManager manager;
    private final ScheduledExecutorService timer;
    private final Map<NodeId, Backoff> backoffs = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweeps;
    private ClusterSettings settings;

    Custodian(ConnectionManager manager, ScheduledExecutorService timer) {
        this.manager = manager;
        this.timer = timer;
        this.settings = manager.settings();
        trackMembers(settings, false);
    }

    /** One backoff per other member; with {@code restart}, those of members that stay start over too. */
    private void trackMembers(ClusterSettings next, boolean restart) {
        long maxNanos = next.reconnectBackoffMax().toNanos();
        Set<NodeId> ids = new HashSet<>();
        for (ControllerNode member : next.members()) {
            if (!member.id().equals(manager.localNode().id())) {
                ids.add(member.id());
                if (restart || !backoffs.containsKey(member.id())) {
                    backoffs.put(member.id(), new Backoff(Math.min(FIRST_RETRY_NANOS, maxNanos), maxNanos));
                }
            }
        }
        backoffs.keySet().retainAll(ids);
    }

    synchronized void start() {
        sweeps = timer.scheduleWithFixedDelay(this::sweep, 0, settings.custodianInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Follows a configuration edit: dials new members at once, forgets those that left. */
    synchronized void reconfigure(ClusterSettings next) {
        ClusterSettings previous = settings;
        settings = next;
        trackMembers(next, !next.reconnectBackoffMax().equals(previous.reconnectBackoffMax()));
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        try {
            sweeps = timer.scheduleWithFixedDelay(this::sweep, 0, next.custodianInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Custodian stopping; not rescheduled");
        }
    }

    void stop() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Custodian thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stream to the member opened: its failures are forgiven. */
    void connected(NodeId peer) {
        Backoff backoff = backoffs.get(peer);
        if (backoff != null) {
            backoff.reset();
        }
    }

    /** The member's stream closed: dial it again now rather than at the next sweep. */
    void disconnected(NodeId peer) {
        connected(peer);
        try {
            timer.execute(this::sweep);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not redialing {}: stopping", peer);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (ControllerNode member : manager.settings().members()) {
                Backoff backoff = backoffs.get(member.id());
                if (backoff == null || !manager.isRunning() || !backoff.due(now)) {
                    continue;
                }
                manager.dial(member, () -> failed(member, backoff));
            }
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the timer: the next one tries again.
            LOG.warn("Custodian sweep failed: {}", e.toString());
        }
    }

    private void failed(ControllerNode member, Backoff backoff) {
        backoff.failed(System.nanoTime());
        if (backoff.failures() == 1) {
            LOG.info("Cannot reach {}; retrying with backoff up to {} ms", member,
                    manager.settings().reconnectBackoffMax().toMillis());
        } else {
            LOG.debug("Still cannot reach {} ({} failures)", member, backoff.failures());
        }
    }
}
