package org.cohort.testtools.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.cohort.testtools.message.LoadMessage;
import org.junit.jupiter.api.Test;

class ReceiveLedgerTest {

    private final ReceiveLedger ledger = new ReceiveLedger();

    private static LoadMessage message(String origin, long epoch, String lane, long seq) {
        return new LoadMessage(origin, epoch, lane, seq, 1_000, 0, "m" + seq, null);
    }

    private void receive(String origin, long epoch, String lane, long... seqs) {
        for (long seq : seqs) {
            ledger.record("cohort.testtools.message", message(origin, epoch, lane, seq), 1_005);
        }
    }

    private ReceiveLedger.LaneFigures lane(String origin, String lane) {
        return ledger.snapshot().lanes().stream().filter(l -> l.sender().equals(origin) && l.lane().equals(lane))
                .findFirst().orElseThrow();
    }

    @Test
    void anUnbrokenSequenceHasNoDuplicatesNoStepBackNoGap() {
        receive("node-1", 7, "send", 1, 2, 3, 4, 5);

        ReceiveLedger.Totals totals = ledger.snapshot().totals();
        assertThat(totals).isEqualTo(new ReceiveLedger.Totals(5, 0, 0, 0, 0, 0, 0));
        assertThat(lane("node-1", "send").highestSeq()).isEqualTo(5);
        assertThat(ledger.snapshot().senders()).containsExactly(new ReceiveLedger.SenderFigures("node-1", 5, 0));
    }

    @Test
    void duplicatesStepsBackAndGapsAreToldApart() {
        receive("node-1", 7, "send", 1, 2, 5, 3, 3, 5, 6);

        ReceiveLedger.LaneFigures figures = lane("node-1", "send");
        assertThat(figures.received()).isEqualTo(7);
        assertThat(figures.gaps()).as("3 and 4 skipped").isEqualTo(2);
        assertThat(figures.outOfOrder()).as("3 after 5").isEqualTo(1);
        assertThat(figures.duplicates()).as("3 and 5 again").isEqualTo(2);
        assertThat(ledger.snapshot().last()).extracting(ReceiveLedger.Arrival::verdict).containsExactly(
                "IN_ORDER", "IN_ORDER", "GAP", "OUT_OF_ORDER", "DUPLICATE", "DUPLICATE", "IN_ORDER");
    }

    @Test
    void lanesAreSeparatePerSenderSubjectAndLane() {
        receive("node-1", 7, "send", 1, 2);
        receive("node-2", 8, "send", 1, 2);
        receive("node-1", 7, "broadcast", 1);
        ledger.record("cohort.testtools.echo", message("node-1", 7, "send", 1), 0);

        assertThat(ledger.snapshot().lanes()).hasSize(4);
        assertThat(ledger.snapshot().totals().duplicates()).isZero();
    }

    @Test
    void aNewEpochStartsTheLaneAfresh() {
        receive("node-1", 7, "send", 1, 2, 3);
        receive("node-1", 9, "send", 1, 2);

        ReceiveLedger.LaneFigures figures = lane("node-1", "send");
        assertThat(figures.epochChanges()).isEqualTo(1);
        assertThat(figures.duplicates()).isZero();
        assertThat(figures.epoch()).isEqualTo(9);
        assertThat(ledger.snapshot().totals().epochChanges()).isEqualTo(1);
    }

    @Test
    void aLaneNewToThisNodeStartsAtItsFirstMessage() {
        receive("node-1", 7, "send", 4, 5, 3);
        ReceiveLedger.LaneFigures figures = lane("node-1", "send");
        assertThat(figures.firstSeq()).isEqualTo(4);
        assertThat(figures.gaps()).isZero();
        assertThat(figures.outOfOrder()).as("3 is below the start: late, as far as this node can tell").isEqualTo(1);
    }

    @Test
    void aNewEpochThatDoesNotStartAtOneHasAGap() {
        receive("node-1", 7, "send", 10, 11);
        receive("node-1", 8, "send", 3);
        ReceiveLedger.LaneFigures figures = lane("node-1", "send");
        assertThat(figures.gaps()).isEqualTo(2);
        assertThat(figures.firstSeq()).isEqualTo(1);
        assertThat(figures.highestSeq()).isEqualTo(3);
    }

    @Test
    void duplicatesAreRecognisedAcrossTheWholeWindow() {
        long highest = LaneCheck.WINDOW + 10;
        for (long seq = 1; seq <= highest; seq++) {
            receive("node-1", 1, "load", seq);
        }
        receive("node-1", 1, "load", highest - LaneCheck.WINDOW + 1); // the oldest one remembered
        receive("node-1", 1, "load", highest - LaneCheck.WINDOW); // too old to tell: out of order
        ReceiveLedger.LaneFigures figures = lane("node-1", "load");
        assertThat(figures.duplicates()).isEqualTo(1);
        assertThat(figures.outOfOrder()).isEqualTo(1);
        assertThat(figures.gaps()).isZero();
    }

    @Test
    void aJumpBeyondTheWindowForgetsEverythingSeen() {
        receive("node-1", 1, "load", 1, 2, 3);
        receive("node-1", 1, "load", 3 + 5L * LaneCheck.WINDOW);
        receive("node-1", 1, "load", 3 + 5L * LaneCheck.WINDOW - 1);
        ReceiveLedger.LaneFigures figures = lane("node-1", "load");
        assertThat(figures.outOfOrder()).isEqualTo(1);
        assertThat(figures.duplicates()).isZero();
        assertThat(figures.gaps()).isEqualTo(5L * LaneCheck.WINDOW - 1);
    }

    @Test
    void memoryIsBounded() {
        for (int k = 0; k < ReceiveLedger.MAX_LANES + 10; k++) {
            receive("node-1", 1, "lane-" + k, 1);
        }
        ReceiveLedger.Snapshot snapshot = ledger.snapshot();
        assertThat(snapshot.lanes()).hasSize(ReceiveLedger.MAX_LANES);
        assertThat(snapshot.totals().untracked()).isEqualTo(10);
        assertThat(snapshot.totals().received()).isEqualTo(ReceiveLedger.MAX_LANES + 10);
        assertThat(snapshot.last()).hasSize(ReceiveLedger.LAST_KEPT);
        assertThat(snapshot.last().get(ReceiveLedger.LAST_KEPT - 1).lane()).isEqualTo("lane-"
                + (ReceiveLedger.MAX_LANES + 9));
    }

    @Test
    void keptTextIsCutAndSafeToPrint() {
        String longText = "\u001b[31mred\n" + "x".repeat(500);
        ledger.record("cohort.testtools.message", new LoadMessage("node-3", 1, "send", 1, 900, 0, longText, new byte[3]),
                1_000);
        ReceiveLedger.Arrival arrival = ledger.snapshot().last().get(0);
        assertThat(arrival.text()).startsWith("\\u001b[31mred\\u000a").endsWith("...").doesNotContain("\n");
        assertThat(arrival.delayMillis()).isEqualTo(100);
        assertThat(arrival.paddingBytes()).isEqualTo(3);
    }

    @Test
    void resetZeroesTheCountersButLanesKeepTheirPlace() {
        receive("node-1", 7, "send", 1, 2, 2);
        ReceiveLedger.Snapshot before = ledger.snapshotAndReset();
        assertThat(before.totals().duplicates()).isEqualTo(1);

        receive("node-1", 7, "send", 3, 4);

        ReceiveLedger.Snapshot after = ledger.snapshot();
        assertThat(after.totals()).isEqualTo(new ReceiveLedger.Totals(2, 0, 0, 0, 0, 0, 0));
        assertThat(after.lanes()).extracting(ReceiveLedger.LaneFigures::received).isEqualTo(List.of(2L));
        assertThat(after.last()).hasSize(2);
    }

    @Test
    void undecodablePayloadsAreCounted() {
        ledger.undecodable();
        assertThat(ledger.snapshot().totals().undecodable()).isEqualTo(1);
    }
}
