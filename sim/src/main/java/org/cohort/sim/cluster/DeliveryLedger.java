package org.cohort.sim.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.DeliveryUnconfirmedException;
import org.cohort.core.embed.NodeAssembly;

/**
 * Issue 16's promise, lane by lane: what each lane (sender incarnation, receiver) sent through
 * {@code MessageSender.deliver} and what its receiver's subscriber was handed. At the end every number
 * arrived at most once and in order; every number that arrived was not failed back to its sender; every
 * number that did not arrive was (a message that arrived may instead be reported unconfirmed, when its
 * session ended before the ack; one acknowledged may not arrive if its receiver's process was killed
 * with it still in the subscriber's backlog); and no future is left pending unless its sender's process
 * was killed.
 */
final class DeliveryLedger {

    static final MessageSubject SUBJECT = MessageSubject.of("sim.lane");

    /** "s#inc>r" to each number's future, in send order. */
    private final Map<String, Map<Integer, CompletableFuture<Void>>> sent = new LinkedHashMap<>();
    /** "s#inc>r" to the numbers that arrived, in arrival order. */
    private final Map<String, List<Integer>> arrived = new HashMap<>();
    private final Set<String> killedSenders = new HashSet<>();
    /** "s#inc" to how many of its futures are not done. */
    private final Map<String, long[]> pendingBySender = new HashMap<>();
    /** Node to the virtual times its processes were killed. */
    private final Map<Integer, List<Long>> killTimes = new HashMap<>();
    /** When each delivered future completed (identity: one per message). */
    private final Map<CompletableFuture<Void>, Long> ackTimes = new java.util.IdentityHashMap<>();
    private final SlowSubscribers slow;
    private final org.cohort.sim.Simulation simulation;

    DeliveryLedger(org.cohort.sim.Simulation simulation, SlowSubscribers slow) {
        this.simulation = simulation;
        this.slow = slow;
    }

    /** Subscribes receiver R's node (before it starts, as its bundles would). */
    void subscribe(NodeAssembly node, int receiver) {
        node.addHandler(SUBJECT, payload -> {
            slow.handling(receiver);
            ByteBuffer in = ByteBuffer.wrap(payload);
            arrived.computeIfAbsent(in.getInt() + "#" + in.getInt() + ">" + receiver, l -> new ArrayList<>())
                    .add(in.getInt());
            return null;
        });
    }

    /** The payload of message {@code number} of the lane, {@code padding} bytes longer than its numbers. */
    static byte[] payload(int sender, int incarnation, int number, int padding) {
        return ByteBuffer.allocate(12 + padding).putInt(sender).putInt(incarnation).putInt(number).array();
    }

    void sent(int sender, int incarnation, int receiver, int number, CompletableFuture<Void> future) {
        String senderKey = sender + "#" + incarnation;
        sent.computeIfAbsent(senderKey + ">" + receiver, l -> new LinkedHashMap<>()).put(number, future);
        if (!future.isDone()) {
            long[] count = pendingBySender.computeIfAbsent(senderKey, k -> new long[1]);
            count[0]++;
            future.whenComplete((done, error) -> {
                count[0]--;
                if (error == null) {
                    ackTimes.put(future, simulation.nanoTime());
                }
            });
        } else if (!future.isCompletedExceptionally()) {
            ackTimes.put(future, simulation.nanoTime());
        }
    }

    /**
     * Node K's process (incarnation) was killed: what it sent may stay pending, and what its subscribers'
     * executors had accepted and not yet run dies with it (delivery means handed to the subscriber's
     * executor: the promise, as documented).
     */
    void killed(int node, int incarnation) {
        killedSenders.add(node + "#" + incarnation);
        killTimes.computeIfAbsent(node, n -> new ArrayList<>()).add(simulation.nanoTime());
    }

    private boolean receiverKilled(String lane) {
        return killTimes.containsKey(Integer.parseInt(lane.substring(lane.indexOf('>') + 1)));
    }

    /** Whether the lane's receiver was killed after the message was acknowledged (its backlog died). */
    private boolean killedAfter(String lane, CompletableFuture<Void> future) {
        Long acked = ackTimes.get(future);
        return acked != null && killTimes.get(Integer.parseInt(lane.substring(lane.indexOf('>') + 1))).stream()
                .anyMatch(killed -> killed >= acked);
    }

    /** Futures not yet done, of senders not killed (cheap: a settling run asks after every event). */
    long pending() {
        long pending = 0;
        for (Map.Entry<String, long[]> sender : pendingBySender.entrySet()) {
            if (!killedSenders.contains(sender.getKey())) {
                pending += sender.getValue()[0];
            }
        }
        return pending;
    }

    /** How many messages their senders were told were delivered. */
    long delivered() {
        return sent.values().stream().flatMap(lane -> lane.values().stream())
                .filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    /** The futures that failed, by the simple name of their exception, sorted. */
    Map<String, Long> failuresByCause() {
        Map<String, Long> causes = new java.util.TreeMap<>();
        sent.values().stream().flatMap(lane -> lane.values().stream()).filter(CompletableFuture::isCompletedExceptionally)
                .forEach(future -> causes.merge(cause(future).getClass().getSimpleName(), 1L, Long::sum));
        return causes;
    }

    void check(List<String> violations) {
        for (Map.Entry<String, Map<Integer, CompletableFuture<Void>>> lane : sent.entrySet()) {
            String key = lane.getKey();
            boolean senderKilled = killedSenders.contains(senderOf(key));
            List<Integer> numbers = arrived.getOrDefault(key, List.of());
            Set<Integer> seen = new HashSet<>();
            int last = -1;
            for (int number : numbers) {
                if (number <= last) {
                    violations.add("delivery: " + key + ": " + number + " arrived after " + last
                            + " (twice or out of order)");
                }
                last = Math.max(last, number);
                seen.add(number);
            }
            for (Map.Entry<Integer, CompletableFuture<Void>> message : lane.getValue().entrySet()) {
                int n = message.getKey();
                CompletableFuture<Void> future = message.getValue();
                if (!future.isDone()) {
                    if (!senderKilled) {
                        violations.add("delivery: " + key + ": " + n + " still pending");
                    }
                } else if (future.isCompletedExceptionally()) {
                    Throwable cause = cause(future);
                    // What was sent and not acknowledged when its session ended is unconfirmed, as documented.
                    if (seen.contains(n) && !(cause instanceof DeliveryUnconfirmedException)) {
                        violations.add("delivery: " + key + ": " + n + " arrived, yet its sender was told it failed: "
                                + cause);
                    }
                } else if (!seen.contains(n) && !(receiverKilled(key) && killedAfter(key, future))) {
                    violations.add("delivery: " + key + ": " + n
                            + " never arrived, yet its sender was told it was delivered");
                }
            }
        }
    }

    private static String senderOf(String lane) {
        return lane.substring(0, lane.indexOf('>'));
    }

    static Throwable cause(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }
}
