package org.cohort.testtools.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.send.Refusal;

/**
 * What a load sent and what Cohort refused to send: counters that may be read from any thread while the
 * load thread adds to them.
 */
final class SendTally {

    private final LongAdder sent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder recipients = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Map<String, LongAdder> refusedByReason = new ConcurrentHashMap<>();
    private final Map<NodeId, LongAdder> sentByNode = new ConcurrentHashMap<>();

    /**
     * Counts a unicast or broadcast.
     *
     * @param outcome what the sender did
     * @param to the node a unicast went to, null for a broadcast (then its recipients are counted)
     */
    void count(LaneSender.Outcome outcome, NodeId to) {
        if (outcome.sent()) {
            sent.increment();
            bytesSent.add(outcome.bytes());
            if (to != null) {
                sentByNode.computeIfAbsent(to, node -> new LongAdder()).increment();
            } else {
                recipients.add(outcome.to().size());
            }
        } else {
            refused(outcome.refusal());
        }
    }

    /** Counts a request sent to one node. */
    void countRequest(NodeId to, long bytes) {
        sent.increment();
        bytesSent.add(bytes);
        sentByNode.computeIfAbsent(to, node -> new LongAdder()).increment();
    }

    /** Counts a message Cohort refused to send. */
    void refused(Refusal refusal) {
        refused.increment();
        refusedByReason.computeIfAbsent(refusal.name(), reason -> new LongAdder()).increment();
    }

    long sent() {
        return sent.sum();
    }

    long bytesSent() {
        return bytesSent.sum();
    }

    long recipients() {
        return recipients.sum();
    }

    long refused() {
        return refused.sum();
    }

    /** @return the refusals seen, by reason, in the order of {@link Refusal} */
    Map<String, Long> refusedByReason() {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Refusal refusal : Refusal.values()) {
            LongAdder count = refusedByReason.get(refusal.name());
            if (count != null) {
                byReason.put(refusal.name(), count.sum());
            }
        }
        return byReason;
    }

    /** @return the messages sent to each target by its id, in the targets' order, 0 for none */
    Map<String, Long> sentByNode(List<NodeId> targets) {
        Map<String, Long> byNode = new LinkedHashMap<>();
        for (NodeId target : targets) {
            LongAdder count = sentByNode.get(target);
            byNode.putIfAbsent(target.id(), count == null ? 0 : count.sum());
        }
        return byNode;
    }
}
