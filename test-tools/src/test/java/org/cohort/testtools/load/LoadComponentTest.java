package org.cohort.testtools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.testtools.message.LoadCodec;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.receive.EchoResponder;
import org.cohort.testtools.receive.MessageReceiver;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.testtools.receive.StallGate;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.testing.Fakes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The component with real threads, over in-memory messaging. */
class LoadComponentTest {

    private static final NodeId N2 = NodeId.of("node-2");
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Fakes.Cluster cluster = new Fakes.Cluster(3);
    private final Fakes.Messaging messaging = new Fakes.Messaging(cluster);
    private final LoadCodec codec = new LoadCodec(Fakes.serialization());
    private final ReceiveLedger ledger = new ReceiveLedger();
    private final LoadComponent loads = new LoadComponent(new LaneSender(messaging, cluster, codec), ledger);

    LoadComponentTest() {
        messaging.handlers.put(LoadSubjects.MESSAGE_SUBJECT, new MessageReceiver(codec, ledger, new StallGate()));
        messaging.handlers.put(LoadSubjects.ECHO_SUBJECT, new EchoResponder(codec, ledger, new Fakes.Cluster(3, 2), new StallGate()));
    }

    @AfterEach
    void close() {
        loads.deactivate();
        codec.close();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void oneLoadPerModeOnANamedThreadThatDeactivationStops() {
        LoadRun unicast = loads.start(new LoadSettings(Mode.UNICAST, 1_000, 60, 0, Duration.ofSeconds(1), List.of(N2)));

        await().atMost(DEADLINE).until(() -> threadAlive("cohort-testtools-load-unicast"));
        assertThatThrownBy(() -> loads.start(new LoadSettings(Mode.UNICAST, 1, 1, 0, Duration.ofSeconds(1),
                List.of(N2)))).isInstanceOf(IllegalStateException.class).hasMessageContaining("running already");
        await().atMost(DEADLINE).until(() -> (Long) unicast.figures().get("sent") > 10);

        loads.deactivate();

        assertThat(threadAlive("cohort-testtools-load-unicast")).isFalse();
        assertThat(unicast.state()).isEqualTo(LoadRun.State.STOPPED);
        assertThat(ledger.snapshot().totals().duplicates()).isZero();
        assertThat(ledger.snapshot().totals().gaps()).isZero();
        assertThatThrownBy(() -> loads.start(new LoadSettings(Mode.BROADCAST, 1, 1, 0, Duration.ofSeconds(1),
                List.of()))).hasMessageContaining("stopping");
    }

    @Test
    void aRequestLoadRunsToItsEndAndStaysReadable() throws InterruptedException {
        LoadSettings settings = new LoadSettings(Mode.REQUEST, 200, 1, 64, Duration.ofSeconds(1), List.of(N2));
        LoadRun run = loads.start(settings);

        assertThat(run.awaitDone(LoadComponent.longestRunMillis(settings))).isTrue();

        Map<String, Object> figures = loads.load(Mode.REQUEST).orElseThrow().figures();
        assertThat(figures).containsEntry("state", "FINISHED").containsEntry("sent", 200L)
                .containsEntry("replies", 200L).containsEntry("failures", 0L);
        assertThat(((Map<?, ?>) figures.get("latencyMicros")).get("count")).isEqualTo(200L);
        assertThat(loads.load(Mode.BROADCAST)).isEmpty();
        assertThat(loads.stop(null)).isEmpty();
    }

    @Test
    void loadStopStopsOnlyTheModeNamed() {
        LoadRun unicast = loads.start(new LoadSettings(Mode.UNICAST, 100, 60, 0, Duration.ofSeconds(1), List.of(N2)));
        LoadRun broadcast = loads.start(new LoadSettings(Mode.BROADCAST, 100, 60, 0, Duration.ofSeconds(1), List.of()));

        assertThat(loads.stop(Mode.BROADCAST)).containsExactly(broadcast);

        await().atMost(DEADLINE).until(() -> broadcast.state() == LoadRun.State.STOPPED);
        assertThat(unicast.running()).isTrue();
    }
}
