package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.Randomness;
import org.cohort.core.runtime.StreamTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials, on a timer, every member that has neither a stream nor a dial under way. A member that keeps
 * failing is retried with exponential backoff and jitter; a stream that closes is redialed at once.
 * Dialing is asynchronous: the custodian never waits for a connect, and senders never wait for it.
 *
 * <p>Runs on its own serial executor ({@code cohort-custodian}), which it stops in {@link #stop()}.
 */
final class Custodian implements StreamAdmission.PeerLinks {

    private static final Logger LOG = LoggerFactory.getLogger(Custodian.class);
    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    /** What a dial needs besides the custodian's own state. */
    record Dialing(StreamTransport transport, LeastLoadedChooserFactory chooser, StreamTable table,
            TransportCounters counters, Function<NodeId, ChannelHandler> outboundInitializer) {
    }

    private final NodeId localId;
    private final Dialing dialing;
    private final EventExecutor timer;
    private final NodeClock clock;
    private final Randomness randomness;
    private final Map<NodeId, Backoff> backoffs = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweeps;
    private volatile ClusterSettings settings;
    private volatile boolean stopped;

    Custodian(ClusterSettings settings, Dialing dialing, EventExecutor timer, NodeClock clock, Randomness randomness) {
        this.localId = settings.localNodeId();
        this.settings = settings;
        this.dialing = dialing;
        this.timer = timer;
        this.clock = clock;
        this.randomness = randomness;
        trackMembers(settings, false);
    }

    /** One backoff per other member; with {@code restart}, those of members that stay start over too. */
    private void trackMembers(ClusterSettings next, boolean restart) {
        long maxNanos = next.reconnectBackoffMax().toNanos();
        Set<NodeId> ids = new HashSet<>();
        for (ControllerNode member : next.members()) {
            if (!member.id().equals(localId)) {
                ids.add(member.id());
                if (restart || !backoffs.containsKey(member.id())) {
                    backoffs.put(member.id(), new Backoff(Math.min(FIRST_RETRY_NANOS, maxNanos), maxNanos, randomness));
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

    /** Stops dialing and stops the custodian's thread. */
    void stop() {
        stopped = true;
        if (!timer.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000)) {
            LOG.warn("Custodian thread did not stop within {} ms", SHUTDOWN_TIMEOUT_MS);
        }
    }

    /** A stream to the member opened: its failures are forgiven. */
    @Override
    public void connected(NodeId peer) {
        Backoff backoff = backoffs.get(peer);
        if (backoff != null) {
            backoff.reset();
        }
    }

    /** The member's stream closed: dial it again now rather than at the next sweep. */
    @Override
    public void disconnected(NodeId peer) {
        connected(peer);
        try {
            timer.execute(this::sweep);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not redialing {}: stopping", peer);
        }
    }

    private void sweep() {
        try {
            long now = clock.nanoTime();
            for (ControllerNode member : settings.members()) {
                Backoff backoff = backoffs.get(member.id());
                if (backoff == null || stopped || !backoff.due(now)) {
                    continue;
                }
                dial(member, backoff);
            }
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the timer: the next one tries again.
            LOG.warn("Custodian sweep failed: {}", e.toString());
        }
    }

    /**
     * Dials a member unless it has a stream or a dial under way; returns at once, the outcome arrives
     * on the channel's futures.
     */
    private void dial(ControllerNode member, Backoff backoff) {
        StreamTable table = dialing.table();
        if (table.busy(member.id())) {
            return;
        }
        LeastLoadedChooserFactory chooser = dialing.chooser();
        EventLoop worker = (EventLoop) chooser.reserve();
        ChannelFuture registered = dialing.transport().newDialChannel(worker, settings.connectTimeout(),
                dialing.outboundInitializer().apply(member.id()));
        Channel channel = registered.channel();
        channel.closeFuture().addListener(closed -> chooser.release(worker));
        // The dial is pending before a byte leaves, and atomically with the check that there is no stream:
        // a crossing dial from the peer then always sees it, and the tie-break holds on both sides.
        if (!table.tryStartDial(member.id(), channel)) {
            channel.close();
            return;
        }
        dialing.counters().dials.increment();
        channel.closeFuture().addListener(closed -> {
            table.dialEnded(member.id(), channel);
            if (!Boolean.TRUE.equals(channel.attr(StreamAdmission.ADMITTED).get())) {
                dialing.counters().dialFailures.increment();
                failed(member, backoff);
            }
        });
        registered.addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
                return;
            }
            // Bind to our own member address first: on 127/8 the kernel would otherwise pick 127.0.0.1.
            ControllerNode local = settings.localNode();
            channel.connect(new InetSocketAddress(member.ip(), member.tcpPort()),
                    new InetSocketAddress(local.ip(), 0)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        });
    }

    private void failed(ControllerNode member, Backoff backoff) {
        backoff.failed(clock.nanoTime());
        if (backoff.failures() == 1) {
            LOG.info("Cannot reach {}; retrying with backoff up to {} ms", member,
                    settings.reconnectBackoffMax().toMillis());
        } else {
            LOG.debug("Still cannot reach {} ({} failures)", member, backoff.failures());
        }
    }
}
