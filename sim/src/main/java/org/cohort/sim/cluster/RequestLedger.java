package org.cohort.sim.cluster;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.sim.Simulation;

/**
 * Requests ({@code sendAndReceive}) to an echo subject, each checked at its timeout plus {@link #BOUND}:
 * by then it has completed, with its own payload echoed or with a typed {@link MessagingException}. A
 * request whose sender a fault touched meanwhile (paused: its timers wait too; killed) is not checked.
 */
final class RequestLedger {

    static final MessageSubject SUBJECT = MessageSubject.of("sim.echo");
    /** How late past its timeout a request may complete: the request timer's tick and a margin. */
    static final Duration BOUND = Duration.ofMillis(250);

    private final Simulation simulation;
    private final Disturbances disturbances;
    private final SlowSubscribers slow;
    private final List<String> violations;
    private long sent;
    private long replied;
    private long failed;

    RequestLedger(Simulation simulation, Disturbances disturbances, SlowSubscribers slow, List<String> violations) {
        this.simulation = simulation;
        this.disturbances = disturbances;
        this.slow = slow;
        this.violations = violations;
    }

    /** Node K answers every request with its payload. */
    void subscribe(NodeAssembly node, int k) {
        node.addHandler(SUBJECT, payload -> {
            slow.handling(k);
            return payload;
        });
    }

    /** Node {@code sender} sends request {@code number} to node {@code receiver} with a timeout. */
    void send(NodeAssembly node, int sender, int receiver, int number, Duration timeout) {
        byte[] payload = ByteBuffer.allocate(8).putInt(sender).putInt(number).array();
        long issued = simulation.nanoTime();
        CompletableFuture<byte[]> reply = node.communicator().sendAndReceive(SUBJECT, payload,
                NodeId.of("node-" + receiver), timeout);
        sent++;
        reply.whenComplete((bytes, error) -> {
            if (error == null) {
                replied++;
            } else {
                failed++;
            }
        });
        long deadline = timeout.plus(BOUND).toNanos();
        String what = "request " + number + " node-" + sender + " -> node-" + receiver;
        simulation.schedule(deadline, "check " + what, () -> {
            if (disturbances.touches(sender, issued - 1, issued + deadline)) {
                return;
            }
            if (!reply.isDone()) {
                violations.add("request: " + what + " (timeout " + timeout.toMillis() + " ms, sent at " + issued
                        + " ns) still pending " + BOUND.toMillis() + " ms past its timeout");
            } else if (reply.isCompletedExceptionally()) {
                Throwable cause = DeliveryLedger.cause(reply);
                if (!(cause instanceof MessagingException)) {
                    violations.add("request: " + what + " failed with an untyped " + cause);
                }
            } else if (!Arrays.equals(reply.join(), payload)) {
                violations.add("request: " + what + " got a reply that is not its own payload");
            }
        });
    }

    String summary() {
        return sent + " requests: " + replied + " replied, " + failed + " failed";
    }
}
