package org.cohort.testtools.receive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cohort.testtools.message.LoadMessage;
import org.cohort.testtools.reconcile.ReportArchive;
import org.cohort.testtools.reconcile.SeqRanges;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * What this node received, with bounded memory: how many messages came from each sender, each lane's
 * sequence check (duplicates, out of order, gaps), and the last {@value #LAST_KEPT} messages.
 *
 * <p>The invariants a healthy cluster keeps: {@code duplicates} and {@code outOfOrder} stay 0 (one
 * stream per peer, handlers on one thread each). {@code gaps} grow only when messages are lost on the
 * way: a stream closed with messages queued, or a broadcast or request the sender could not hand to
 * this node's stream (a refused unicast uses no number). A lane new to this node is checked from its
 * first message on ({@code firstSeq}); a sender's restart (new epoch) starts its lanes again at 1.
 *
 * <p>For the reconciliation of what senders sent with what arrived, every number that arrived is kept
 * too, per sender run (epoch) and lane, as ranges ({@code seqs}: one range for an unbroken lane), at most
 * {@value #MAX_RUN_LANES} runs' lanes; the final figures are written to the node's data folder when the
 * bundle stops ({@link ReportArchive}).
 *
 * <p>At most {@value #MAX_LANES} lanes and {@value #MAX_SENDERS} senders are tracked; messages beyond
 * those are counted as {@code untracked} and not checked. Thread-safe. A component of its own with no
 * references, so that the figures survive Cohort restarting under the handlers.
 */
@Component(service = ReceiveLedger.class, immediate = true)
public final class ReceiveLedger {

    /** The most lanes (sender, subject, lane) checked. */
    public static final int MAX_LANES = 256;
    /** The most senders counted. */
    public static final int MAX_SENDERS = 256;
    /** How many of the last messages are kept. */
    public static final int LAST_KEPT = 20;
    /** How much of each kept message's text is kept, in characters. */
    public static final int MAX_TEXT_KEPT = 200;

    /**
     * A lane's figures.
     *
     * @param firstSeq the first number of the current epoch this node saw: a lane new to this node starts
     *     where it joins it, a new epoch at 1
     */
    public record LaneFigures(String sender, String subject, String lane, long epoch, long received, long firstSeq,
            long highestSeq, long duplicates, long outOfOrder, long gaps, long epochChanges) {
    }

    /** A sender's figures. */
    public record SenderFigures(String sender, long received, long paddingBytes) {
    }

    /**
     * One received message, as kept.
     *
     * @param delayMillis the receiver's wall clock minus the sender's when it sent; only meaningful when
     *     the clocks agree (nodes on one machine)
     */
    public record Arrival(String sender, String subject, String lane, long seq, String text, int paddingBytes,
            long receivedAtMillis, long delayMillis, String verdict) {
    }

    /** The node-wide counters. */
    public record Totals(long received, long duplicates, long outOfOrder, long gaps, long epochChanges,
            long undecodable, long untracked) {
    }

    /**
     * Which numbers of one sender run's lane arrived: the receiver's half of the reconciliation.
     *
     * @param received the numbers that arrived, as [first, last] ranges
     * @param duplicates how many arrivals were of a number that had arrived already
     * @param duplicateSeqs those numbers, as ranges
     * @param overflow numbers not kept for want of ranges (the lane is then reported incomplete)
     */
    public record LaneSeqs(String sender, String subject, String lane, long epoch, List<List<Long>> received,
            long receivedCount, long duplicates, List<List<Long>> duplicateSeqs, long overflow) {
    }

    /** Everything at one moment; lists are in first-seen order, {@code last} oldest first. */
    public record Snapshot(Totals totals, List<SenderFigures> senders, List<LaneFigures> lanes, List<Arrival> last,
            List<LaneSeqs> seqs) {
    }

    private record LaneKey(String sender, String subject, String lane) {
    }

    private record RunLaneKey(String sender, String subject, String lane, long epoch) {
    }

    /** The numbers of one sender run's lane that arrived, for the reconciliation. */
    private static final class Seqs {
        final SeqRanges received = new SeqRanges();
        final SeqRanges duplicated = new SeqRanges();
        long duplicates;
    }

    /** The most sender runs' lanes whose numbers are kept: a few restarts of a few senders' lanes. */
    public static final int MAX_RUN_LANES = 4 * MAX_LANES;

    private static final class SenderCount {
        long received;
        long paddingBytes;
    }

    private final Map<LaneKey, LaneCheck> lanes = new LinkedHashMap<>();
    private final Map<String, SenderCount> senders = new LinkedHashMap<>();
    private final ArrayDeque<Arrival> last = new ArrayDeque<>(LAST_KEPT);
    private final Map<RunLaneKey, Seqs> seqs = new LinkedHashMap<>();
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long gaps;
    private long epochChanges;
    private long undecodable;
    private long untracked;

    /**
     * Counts and checks one decoded message.
     *
     * @param subject the subject it arrived on
     * @param message the message
     * @param nowMillis the wall clock now
     */
    public synchronized void record(String subject, LoadMessage message, long nowMillis) {
        received++;
        SenderCount sender = senders.get(message.origin());
        if (sender == null && senders.size() < MAX_SENDERS) {
            sender = new SenderCount();
            senders.put(message.origin(), sender);
        }
        if (sender != null) {
            sender.received++;
            sender.paddingBytes += message.paddingLength();
        }
        LaneKey key = new LaneKey(message.origin(), subject, message.lane());
        LaneCheck lane = lanes.get(key);
        if (lane == null && lanes.size() < MAX_LANES) {
            lane = new LaneCheck();
            lanes.put(key, lane);
        }
        String verdict;
        if (lane == null) {
            untracked++;
            verdict = "UNTRACKED";
        } else {
            long gapsBefore = lane.gaps();
            long epochsBefore = lane.epochChanges();
            LaneCheck.Verdict checked = lane.accept(message.epoch(), message.seq());
            gaps += lane.gaps() - gapsBefore;
            epochChanges += lane.epochChanges() - epochsBefore;
            if (checked == LaneCheck.Verdict.DUPLICATE) {
                duplicates++;
            } else if (checked == LaneCheck.Verdict.OUT_OF_ORDER) {
                outOfOrder++;
            }
            verdict = checked.name();
        }
        keepSeq(subject, message);
        if (last.size() == LAST_KEPT) {
            last.removeFirst();
        }
        last.addLast(new Arrival(message.origin(), subject, message.lane(), message.seq(), kept(message.text()),
                message.paddingLength(), nowMillis, nowMillis - message.sentAtMillis(), verdict));
    }

    /** Keeps the number for the reconciliation: every one, not only the window LaneCheck remembers. */
    private void keepSeq(String subject, LoadMessage message) {
        RunLaneKey key = new RunLaneKey(message.origin(), subject, message.lane(), message.epoch());
        Seqs lane = seqs.get(key);
        if (lane == null) {
            if (seqs.size() >= MAX_RUN_LANES) {
                return; // counted as received all the same; the reconciliation then finds it unmatched
            }
            lane = new Seqs();
            seqs.put(key, lane);
        }
        if (!lane.received.add(message.seq())) {
            lane.duplicates++;
            lane.duplicated.add(message.seq());
        }
    }

    /** The start of a text from the network, with control characters escaped so it prints safely. */
    static String kept(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT_KEPT) + 8);
        for (int i = 0; i < text.length() && i < MAX_TEXT_KEPT; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        if (text.length() > MAX_TEXT_KEPT) {
            out.append("...");
        }
        return out.toString();
    }

    /** Counts a payload on one of the test-tools subjects that was not a well-formed LoadMessage. */
    public synchronized void undecodable() {
        undecodable++;
    }

    /**
     * Returns the figures now.
     *
     * @return the snapshot
     */
    public synchronized Snapshot snapshot() {
        List<SenderFigures> senderFigures = new ArrayList<>();
        senders.forEach((id, count) -> senderFigures.add(new SenderFigures(id, count.received, count.paddingBytes)));
        List<LaneFigures> laneFigures = new ArrayList<>();
        lanes.forEach((key, lane) -> laneFigures.add(new LaneFigures(key.sender(), key.subject(), key.lane(),
                lane.epoch(), lane.received(), lane.firstSeq(), lane.highest(), lane.duplicates(), lane.outOfOrder(), lane.gaps(),
                lane.epochChanges())));
        List<LaneSeqs> seqFigures = new ArrayList<>();
        seqs.forEach((key, lane) -> seqFigures.add(new LaneSeqs(key.sender(), key.subject(), key.lane(), key.epoch(),
                lane.received.toList(), lane.received.count(), lane.duplicates, lane.duplicated.toList(),
                lane.received.overflow() + lane.duplicated.overflow())));
        return new Snapshot(new Totals(received, duplicates, outOfOrder, gaps, epochChanges, undecodable, untracked),
                List.copyOf(senderFigures), List.copyOf(laneFigures), List.copyOf(last), List.copyOf(seqFigures));
    }

    /**
     * Returns the figures now and sets every counter to zero, in one step: no message falls between.
     * Each lane keeps its place in its sequence, so the next message is checked as before.
     *
     * @return the snapshot before the reset
     */
    public synchronized Snapshot snapshotAndReset() {
        Snapshot snapshot = snapshot();
        lanes.values().forEach(LaneCheck::resetCounters);
        senders.clear();
        last.clear();
        seqs.clear();
        received = 0;
        duplicates = 0;
        outOfOrder = 0;
        gaps = 0;
        epochChanges = 0;
        undecodable = 0;
        untracked = 0;
        return snapshot;
    }

    /** Keeps the final figures in the node's data folder, for a reconciliation across a restart. */
    @Deactivate
    void deactivate() {
        ReportArchive.write("received", LedgerReport.of(snapshot(), null, false, 0));
    }
}
