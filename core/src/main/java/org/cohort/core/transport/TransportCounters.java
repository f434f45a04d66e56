package org.cohort.core.transport;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.cohort.core.handshake.HelloException;

/**
 * What the transport counts, so that no refusal or drop is silent: a shell command and JMX read these
 * later.
 */
public final class TransportCounters {

    final LongAdder sent = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder sentLocally = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder sendRefusedUnknownNode = new LongAdder();
    final LongAdder sendRefusedNoStream = new LongAdder();
    final LongAdder sendRefusedQueueFull = new LongAdder();
    final LongAdder sendRefusedTooLarge = new LongAdder();
    final LongAdder sendFailedEncoding = new LongAdder();
    final LongAdder chunkedSent = new LongAdder();
    final LongAdder chunkedReceived = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();
    final LongAdder streamsClosed = new LongAdder();
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder sourcesThrottled = new LongAdder();
    private final Map<String, LongAdder> connectionsRefused = new LinkedHashMap<>();
    private final Map<HelloException.Reason, LongAdder> handshakesRefused = new EnumMap<>(HelloException.Reason.class);

    TransportCounters() {
        for (HandshakeGate.Verdict verdict : HandshakeGate.Verdict.values()) {
            if (!verdict.admitted()) {
                connectionsRefused.put(verdict.key(), new LongAdder());
            }
        }
        for (HelloException.Reason reason : HelloException.Reason.values()) {
            if (reason != HelloException.Reason.ROUTINE) {
                handshakesRefused.put(reason, new LongAdder());
            }
        }
    }

    void handshakeRefused(HelloException.Reason reason) {
        LongAdder counter = handshakesRefused.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }

    void connectionRefused(String reason) {
        connectionsRefused.get(reason).increment();
    }

    /** Accepted connections closed before their handshake by the limits on the unauthenticated, by reason. */
    Map<String, Long> connectionsRefusedByReason() {
        Map<String, Long> values = new LinkedHashMap<>();
        connectionsRefused.forEach((reason, counter) -> values.put(reason, counter.sum()));
        return values;
    }

    /** Handshakes refused, by reason key, every reason listed. */
    Map<String, Long> handshakesRefusedByReason() {
        Map<String, Long> values = new LinkedHashMap<>();
        handshakesRefused.forEach((reason, counter) -> values.put(reason.key(), counter.sum()));
        return values;
    }
    final LongAdder badFrames = new LongAdder();
    final LongAdder silentPeersClosed = new LongAdder();
    final LongAdder localStallsExcused = new LongAdder();
    final LongAdder dispatchFailures = new LongAdder();
    final LongAdder dials = new LongAdder();
    final LongAdder dialFailures = new LongAdder();

    /** Returns every counter by name, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("sent", sent.sum());
        values.put("flushes", flushes.sum());
        values.put("sentLocally", sentLocally.sum());
        values.put("received", received.sum());
        values.put("sendRefusedUnknownNode", sendRefusedUnknownNode.sum());
        values.put("sendRefusedNoStream", sendRefusedNoStream.sum());
        values.put("sendRefusedQueueFull", sendRefusedQueueFull.sum());
        values.put("sendRefusedTooLarge", sendRefusedTooLarge.sum());
        values.put("sendFailedEncoding", sendFailedEncoding.sum());
        values.put("chunkedSent", chunkedSent.sum());
        values.put("chunkedReceived", chunkedReceived.sum());
        values.put("streamsOpened", streamsOpened.sum());
        values.put("streamsClosed", streamsClosed.sum());
        values.put("connectionsAccepted", connectionsAccepted.sum());
        values.put("connectionsRefused", connectionsRefused.values().stream().mapToLong(LongAdder::sum).sum());
        connectionsRefused.forEach((reason, counter) -> values.put("connectionsRefused."
                + reason, counter.sum()));
        values.put("sourcesThrottled", sourcesThrottled.sum());
        values.put("handshakesRefused", handshakesRefused.values().stream().mapToLong(LongAdder::sum).sum());
        values.put("badFrames", badFrames.sum());
        values.put("silentPeersClosed", silentPeersClosed.sum());
        values.put("localStallsExcused", localStallsExcused.sum());
        values.put("dispatchFailures", dispatchFailures.sum());
        values.put("dials", dials.sum());
        values.put("dialFailures", dialFailures.sum());
        return values;
    }
}
