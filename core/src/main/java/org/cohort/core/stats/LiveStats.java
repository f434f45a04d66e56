package org.cohort.core.stats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.ClusterMessaging;
import org.cohort.core.messaging.DispatchCounters;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.messaging.SubjectStats;
import org.cohort.core.transport.ClusterStatus;
import org.cohort.core.transport.PeerStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link CohortStats} read live from the running parts: the transport, the membership, the dispatcher
 * and the round trips {@code cluster:ping} measured. Only reads; holds no figure of its own.
 */
@Component(service = CohortStats.class)
public final class LiveStats implements CohortStats {

    private final ClusterStatus transport;
    private final MembershipView membership;
    private final ClusterMessaging messaging;
    private final RoundTripTimes roundTripTimes;

    @Activate
    public LiveStats(
            @Reference(name = "transport") ClusterStatus transport,
            @Reference(name = "membership") MembershipView membership,
            @Reference(name = "messaging") ClusterMessaging messaging,
            @Reference(name = "roundTripTimes") RoundTripTimes roundTripTimes) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.messaging = Objects.requireNonNull(messaging, "messaging");
        this.roundTripTimes = Objects.requireNonNull(roundTripTimes, "roundTripTimes");
    }

    @Override
    public ClusterSettings settings() {
        return transport.settings();
    }

    @Override
    public long incarnation() {
        return transport.incarnation();
    }

    @Override
    public String tlsEngine() {
        return transport.tlsEngine();
    }

    @Override
    public Map<String, Long> counters() {
        return transport.counters();
    }

    @Override
    public Map<String, Long> handshakesRefusedByReason() {
        return transport.handshakesRefusedByReason();
    }

    @Override
    public SortedMap<NodeId, PeerStats> peers() {
        return transport.peers();
    }

    @Override
    public SortedMap<String, Map<String, Long>> deliveryBySubject() {
        return transport.deliveryBySubject();
    }

    @Override
    public List<MemberState> members() {
        return membership.states();
    }

    @Override
    public Optional<MemberState> member(NodeId id) {
        return membership.state(id);
    }

    @Override
    public DispatchCounters dispatch() {
        return messaging.counters();
    }

    @Override
    public List<SubjectStats> subjects() {
        return messaging.subjects();
    }

    @Override
    public Optional<Duration> lastRoundTrip(NodeId id) {
        return roundTripTimes.last(id);
    }
}
