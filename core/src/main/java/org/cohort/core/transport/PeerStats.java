package org.cohort.core.transport;

/**
 * A snapshot of one peer's counters.
 *
 * @param connected whether the peer has a live stream now
 * @param messagesIn messages received from the peer
 * @param messagesOut messages written to the peer
 * @param bytesIn bytes read from the peer's streams, framing included
 * @param bytesOut bytes written to the peer's streams, framing included
 * @param queueBytes bytes queued for the peer and not yet written
 * @param reconnects streams opened to the peer after the first
 * @param resendBytes bytes sent to the peer and not yet acknowledged (kept to send again)
 * @param delivery what became of the messages accepted for the peer: sent, acked, resent, duplicates
 *     (arrived twice from it, handed on once), failedBack.&lt;reason&gt; and refused.&lt;reason&gt;
 */
public record PeerStats(boolean connected, long messagesIn, long messagesOut, long bytesIn, long bytesOut,
        long queueBytes, long reconnects, long resendBytes, java.util.Map<String, Long> delivery) {

    /** The names of the {@link #delivery} counters, in the order they are shown. */
    public static java.util.List<String> deliveryKeys() {
        return java.util.List.copyOf(new PeerCounters().delivery().keySet());
    }
}
