package org.cohort.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving side of a one-way or broadcast workload: checks the sequence of every sender, counts what
 * arrived, and sends each sender its credit every {@link Workload#creditBatch} messages.
 */
final class LoadReceiver {

    private final Workload workload;
    private final Transport transport;
    private final int self;
    private final Map<String, LongAdder> failures;
    /** Per sender: the next sequence expected, the highest received and the highest credited back. */
    private final long[] nextSeq;
    private final long[] receivedFrom;
    private final long[] creditedFrom;
    private final LongAdder received = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();

    /**
     * @param workload the credit batch and the number of nodes
     * @param transport where credits go
     * @param self this node's number, in every credit
     * @param failures the node's failures by kind, where a refused credit is counted
     */
    LoadReceiver(Workload workload, Transport transport, int self, Map<String, LongAdder> failures) {
        this.workload = workload;
        this.transport = transport;
        this.self = self;
        this.failures = failures;
        this.nextSeq = new long[workload.nodes + 1];
        Arrays.fill(nextSeq, 1);
        this.receivedFrom = new long[workload.nodes + 1];
        this.creditedFrom = new long[workload.nodes + 1];
    }

    /** On one thread per sender (the subject's executor, or the raw socket's reader). */
    void onData(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long seq = buffer.getLong(0);
        int from = buffer.getInt(8);
        received.increment();
        receivedBytes.add(payload.length);
        long want = nextSeq[from];
        if (seq == want) {
            nextSeq[from] = seq + 1;
        } else if (seq > want) {
            gaps.add(seq - want);
            nextSeq[from] = seq + 1;
        } else {
            outOfOrder.increment();
        }
        long highest = receivedFrom[from] = Math.max(receivedFrom[from], seq);
        if (highest - creditedFrom[from] >= workload.creditBatch) {
            // The highest sequence received: a credit that waits behind a pause is made good by the next one,
            // and a message lost on the way (a stream closed with it queued) does not shrink the window.
            byte[] credit = ByteBuffer.allocate(12).putInt(self).putLong(highest).array();
            creditedFrom[from] = highest;
            if (!transport.send(from, Transport.Lane.CREDIT, credit)) {
                failures.computeIfAbsent("creditRefused", key -> new LongAdder()).increment();
            }
        }
    }

    long received() {
        return received.sum();
    }

    long receivedBytes() {
        return receivedBytes.sum();
    }

    long gaps() {
        return gaps.sum();
    }

    long outOfOrder() {
        return outOfOrder.sum();
    }
}
