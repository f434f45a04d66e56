package org.cohort.core.transport;

import java.util.concurrent.atomic.LongAdder;

/** What passed between this node and one peer, over all the streams it has had. */
final class PeerCounters {

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();

    PeerStats snapshot(long queueBytes, boolean connected) {
        return new PeerStats(connected, messagesIn.sum(), messagesOut.sum(), bytesIn.sum(), bytesOut.sum(), queueBytes,
                Math.max(0, streamsOpened.sum() - 1));
    }
}
