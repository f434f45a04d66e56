package org.cohort.core.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cohort.core.membership.MembershipTableTest.N1;
import static org.cohort.core.membership.MembershipTableTest.N2;
import static org.cohort.core.membership.MembershipTableTest.node;
import static org.cohort.core.membership.MembershipTableTest.settings;

import java.time.Duration;
import java.time.Instant;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.membership.MemberState.State;
import org.cohort.core.runtime.ManualClock;
import org.junit.jupiter.api.Test;

class MembershipComponentTest {

    private final ManualClock clock = new ManualClock(MembershipTableTest.T0);
    private static final long LOCAL_INCARNATION = 4242L;
    private final ClusterMembership component =
            new ClusterMembership(new org.cohort.core.config.ConfigurationInForce(settings("n1", N1, N2)),
                    LOCAL_INCARNATION, clock);

    @Test
    void startsWithTheLocalNodeActiveAtItsIncarnation() {
        assertThat(component.states()).containsExactly(
                new MemberState(N1, State.ACTIVE, LOCAL_INCARNATION, clock.instant()),
                new MemberState(N2, State.INACTIVE, 0L, clock.instant()));
    }

    @Test
    void forwardsNodeEventsStampedWithTheClock() {
        clock.advance(Duration.ofSeconds(5));
        component.nodeDetected(N2, 123L);
        Instant detectedAt = clock.instant();
        assertThat(component.state(N2.id())).contains(new MemberState(N2, State.ACTIVE, 123L, detectedAt));

        clock.advance(Duration.ofSeconds(5));
        component.nodeVanished(N2.id());
        assertThat(component.state(N2.id()))
                .contains(new MemberState(N2, State.INACTIVE, 123L, clock.instant()));
    }

    @Test
    void ignoresNonMembers() {
        component.nodeDetected(node("stranger", 9009), 1L);
        component.nodeVanished(NodeId.of("stranger"));

        assertThat(component.states()).extracting(MemberState::id).containsExactly(N1.id(), N2.id());
    }
}
