package org.cohort.testtools.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.testtools.message.LoadCodec;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.receive.LedgerReport;
import org.cohort.testtools.receive.MessageReceiver;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.testtools.receive.StallGate;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.testing.Fakes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every message explained, or not: the real lane sender and ledger on an in-memory stand-in for Cohort,
 * reconciled through their JSON reports as a test on a real cluster does.
 */
class ReconciliationTest {

    private static final NodeId N2 = NodeId.of("node-2");
    private static final Set<String> LANES = Set.of(LoadSubjects.LANE_LOAD_UNICAST, LoadSubjects.LANE_LOAD_DELIVER);

    private final Fakes.Cluster cluster = new Fakes.Cluster(3);
    private final Fakes.Messaging messaging = new Fakes.Messaging(cluster);
    private final LoadCodec codec = new LoadCodec(Fakes.serialization());
    private final ReceiveLedger ledger = new ReceiveLedger();
    private final LaneSender sender = new LaneSender(messaging, cluster, codec);

    ReconciliationTest() {
        messaging.handlers.put(LoadSubjects.MESSAGE_SUBJECT, new MessageReceiver(codec, ledger, new StallGate()));
    }

    @AfterEach
    void close() {
        codec.close();
    }

    private Reconciliation.Totals reconcile(ReceiveLedger.Snapshot... receiverRuns) {
        Reconciliation reconciliation = new Reconciliation(LANES).sender(sender.report());
        for (ReceiveLedger.Snapshot run : receiverRuns) {
            reconciliation.receiver("node-2", LedgerReport.of(run, "node-2", false, 0));
        }
        return reconciliation.reconcile();
    }

    @Test
    void whatWasAcceptedAndArrivedOnceIsExplainedAndARefusalUsesNoNumber() {
        for (int i = 0; i < 5; i++) {
            sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null);
        }
        messaging.refuse.add(N2);
        assertThat(sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null).sent()).isFalse();

        Reconciliation.Totals totals = reconcile(ledger.snapshot());

        assertThat(totals.numbered()).isEqualTo(5);
        assertThat(totals.delivered()).isEqualTo(5);
        assertThat(totals.unexplained()).isZero();
    }

    @Test
    void anAcceptedMessageThatNeverArrivesIsASilentGap() {
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null);
        messaging.lose.add(N2);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "lost on a closed stream", null);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "lost at the tail", null);
        messaging.lose.clear();
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null);

        Reconciliation.Totals totals = reconcile(ledger.snapshot());

        assertThat(totals.silentGaps()).isEqualTo(2);
        assertThat(totals.unexplained()).isEqualTo(2);
    }

    @Test
    void aDeliveryFailedBackIsExplainedByItsTypeAndOneStillPendingButArrivedCountsAsDelivered() {
        CompletableFuture<Void> link = new CompletableFuture<>();
        messaging.held.put(N2, link);
        sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, N2, "a", null);
        sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, N2, "b", null);
        link.completeExceptionally(new NodeUnreachableException("node-2 left"));
        messaging.held.clear();
        sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, N2, "c", null);

        Reconciliation.Totals totals = reconcile(ledger.snapshot());

        assertThat(totals.numbered()).isEqualTo(3);
        assertThat(totals.delivered()).isEqualTo(1);
        assertThat(totals.failedBack()).isEqualTo(2);
        assertThat(totals.figures()).containsEntry("failedBackByType", Map.of("NodeUnreachableException", 2L));
        assertThat(totals.unexplained()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> lane = ((List<Map<String, Object>>) sender.report().get("lanes")).get(0);
        assertThat(lane).containsEntry("numbered", 3L).containsEntry("confirmed", 1L).containsEntry("failedCount", 2L)
                .containsEntry("pendingCount", 0);
    }

    @Test
    void aDeliveryNeverAnsweredAndNeverArrivedIsLostWhilePending() {
        messaging.held.put(N2, new CompletableFuture<>());
        sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, N2, "a", null);

        Reconciliation.Totals totals = reconcile(ledger.snapshot());

        assertThat(totals.figures()).containsEntry("lostPending", 1L);
        assertThat(totals.unexplained()).isEqualTo(1);
    }

    @Test
    void aMessageThatArrivedInTwoRunsOfTheReceiverIsADuplicate() {
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "b", null);
        byte[] second = messaging.payloads("unicast").get(1);
        ReceiveLedger.Snapshot beforeRestart = ledger.snapshot();
        // The receiver restarts; message 3 reaches its new run, and so does message 2 once more.
        ReceiveLedger restarted = new ReceiveLedger();
        messaging.handlers.put(LoadSubjects.MESSAGE_SUBJECT, new MessageReceiver(codec, restarted, new StallGate()));
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "c", null);
        restarted.record(LoadSubjects.MESSAGE, codec.decode(second), 0);

        Reconciliation.Totals totals = reconcile(beforeRestart, restarted.snapshot());

        assertThat(totals.delivered()).isEqualTo(3);
        assertThat(totals.duplicates()).isEqualTo(1);
        assertThat(totals.unexplained()).isEqualTo(1);
    }

    @Test
    void aMessageFailedBackThatArrivedAllTheSameIsUnexplained() {
        CompletableFuture<Void> link = new CompletableFuture<>();
        messaging.held.put(N2, link);
        sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, N2, "a", null);
        link.completeExceptionally(new NodeUnreachableException("told so, yet it arrived"));
        messaging.unicast(LoadSubjects.MESSAGE_SUBJECT, messaging.payloads("deliver").get(0), N2);

        Reconciliation.Totals totals = reconcile(ledger.snapshot());

        assertThat(totals.figures()).containsEntry("deliveredButFailedBack", 1L);
        assertThat(totals.unexplained()).isEqualTo(1);
    }

    @Test
    void withinTheReceivedWindowsOnlyGapsBetweenArrivalsCount() {
        messaging.lose.add(N2);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "before the receiver's ledger began", null);
        messaging.lose.clear();
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "a", null);
        messaging.lose.add(N2);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "lost between arrivals", null);
        messaging.lose.clear();
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "b", null);
        messaging.lose.add(N2);
        sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, N2, "after the last arrival", null);

        Reconciliation.Totals totals = new Reconciliation(LANES).withinReceivedWindows().sender(sender.report())
                .receiver("node-2", LedgerReport.of(ledger.snapshot(), "node-2", false, 0)).reconcile();

        assertThat(totals.numbered()).isEqualTo(3);
        assertThat(totals.silentGaps()).isEqualTo(1);
    }
}
