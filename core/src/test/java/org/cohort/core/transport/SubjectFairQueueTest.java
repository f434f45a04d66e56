package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SubjectFairQueueTest {

    private static OutboundMessage message(String subject, int sequence) {
        return OutboundMessage.of(new ClusterMessage(NodeId.of("n1"), MessageSubject.of(subject),
                ByteBuffer.allocate(Integer.BYTES).putInt(sequence).array()));
    }

    private static String describe(OutboundMessage outbound) {
        return outbound.subject.value() + ByteBuffer.wrap(outbound.payload).getInt();
    }

    @Test
    void subjectsTakeTurnsAndEachKeepsItsOrder() {
        SubjectFairQueue queue = new SubjectFairQueue();
        queue.add(message("bulk", 1));
        queue.add(message("bulk", 2));
        queue.add(message("bulk", 3));
        queue.add(message("small", 1));
        queue.add(message("other", 1));

        List<String> order = new ArrayList<>();
        OutboundMessage next;
        while ((next = queue.poll()) != null) {
            order.add(describe(next));
        }
        assertThat(order).containsExactly("bulk1", "small1", "other1", "bulk2", "bulk3");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void anUnfinishedMessageStaysAtTheHeadOfItsSubjectWhileTheOthersTakeTheirTurns() {
        SubjectFairQueue queue = new SubjectFairQueue();
        queue.add(message("bulk", 1));
        queue.add(message("bulk", 2));
        queue.add(message("small", 1));
        queue.add(message("small", 2));
        Map<String, Integer> turnsLeft = new HashMap<>(Map.of("bulk1", 3, "bulk2", 2));

        List<String> turns = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            MessageFramer.Turn turn = queue.takeTurn(outbound -> {
                String name = describe(outbound);
                turns.add(name);
                int left = turnsLeft.merge(name, -1, Integer::sum);
                return left > 0 ? MessageFramer.Turn.UNFINISHED : MessageFramer.Turn.FINISHED;
            });
            if (turn == null) {
                break;
            }
        }

        assertThat(turns).containsExactly("bulk1", "small1", "bulk1", "small2", "bulk1", "bulk2", "bulk2");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aDeferredMessageKeepsItsPlaceAndTheRingMovesOn() {
        SubjectFairQueue queue = new SubjectFairQueue();
        queue.add(message("big", 1));
        queue.add(message("small", 1));
        List<String> turns = new ArrayList<>();
        boolean[] deferOnce = {true};

        while (queue.takeTurn(outbound -> {
            turns.add(describe(outbound));
            if (describe(outbound).equals("big1") && deferOnce[0]) {
                deferOnce[0] = false;
                return MessageFramer.Turn.DEFERRED;
            }
            return MessageFramer.Turn.FINISHED;
        }) != null) {
            assertThat(turns).hasSizeLessThan(10);
        }

        assertThat(turns).containsExactly("big1", "small1", "big1");
    }

    @Test
    void aMessageThatCannotBeWrittenLeavesTheQueueSoItsSubjectGoesOn() {
        SubjectFairQueue queue = new SubjectFairQueue();
        queue.add(message("a", 1));
        queue.add(message("a", 2));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.takeTurn(outbound -> {
            throw new IllegalStateException("cannot encode");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(describe(queue.poll())).isEqualTo("a2");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aSubjectThatEmptiedAndCameBackIsServedAgain() {
        SubjectFairQueue queue = new SubjectFairQueue();
        queue.add(message("a", 1));
        assertThat(describe(queue.poll())).isEqualTo("a1");
        assertThat(queue.poll()).isNull();
        queue.add(message("a", 2));
        assertThat(describe(queue.poll())).isEqualTo("a2");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void producersOnManyThreadsUnderTheSessionLockLoseNothingAndKeepEachSubjectInOrder() throws Exception {
        SubjectFairQueue queue = new SubjectFairQueue();
        Object sessionLock = new Object(); // every call holds its session's lock, as PeerSession's do
        int producers = 4;
        int perProducer = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                String subject = "s" + p;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        synchronized (sessionLock) {
                            queue.add(message(subject, i));
                        }
                    }
                }));
            }
            Map<String, Integer> next = new HashMap<>();
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received < producers * perProducer && System.nanoTime() < deadline) {
                OutboundMessage outbound;
                synchronized (sessionLock) {
                    outbound = queue.poll();
                }
                if (outbound == null) {
                    Thread.onSpinWait();
                    continue;
                }
                String subject = outbound.subject.value();
                int sequence = ByteBuffer.wrap(outbound.payload).getInt();
                assertThat(sequence).as("order of %s", subject).isEqualTo(next.getOrDefault(subject, 0));
                next.put(subject, sequence + 1);
                received++;
            }
            for (Future<?> producer : done) {
                producer.get();
            }
            assertThat(received).isEqualTo(producers * perProducer);
            assertThat(queue.poll()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }
}
