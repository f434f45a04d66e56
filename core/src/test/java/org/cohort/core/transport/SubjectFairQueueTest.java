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

    private static ClusterMessage message(String subject, int sequence) {
        return new ClusterMessage(NodeId.of("n1"), MessageSubject.of(subject),
                ByteBuffer.allocate(Integer.BYTES).putInt(sequence).array());
    }

    private static String describe(ClusterMessage message) {
        return message.subject().value() + ByteBuffer.wrap(message.payload()).getInt();
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
        ClusterMessage next;
        while ((next = queue.poll()) != null) {
            order.add(describe(next));
        }
        assertThat(order).containsExactly("bulk1", "small1", "other1", "bulk2", "bulk3");
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
    void concurrentProducersLoseNothingAndKeepEachSubjectInOrder() throws Exception {
        SubjectFairQueue queue = new SubjectFairQueue();
        int producers = 4;
        int perProducer = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                String subject = "s" + p;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        queue.add(message(subject, i));
                    }
                }));
            }
            Map<String, Integer> next = new HashMap<>();
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received < producers * perProducer && System.nanoTime() < deadline) {
                ClusterMessage message = queue.poll();
                if (message == null) {
                    Thread.onSpinWait();
                    continue;
                }
                String subject = message.subject().value();
                int sequence = ByteBuffer.wrap(message.payload()).getInt();
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
