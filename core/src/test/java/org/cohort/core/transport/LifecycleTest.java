package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.NettyLeakRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starting and stopping leaves nothing behind: no thread, no port, no buffer. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest {

    /** A deadline for real waits on real sockets and threads, generous for a loaded host; no bound asserted. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final MessageSubject SUBJECT = MessageSubject.of("lifecycle.test");

    private static List<String> cohortThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("cohort-"))
                .sorted()
                .toList();
    }

    @Test
    void twentyStartStopCyclesLeakNoThreadPortOrBuffer() throws Exception {
        assertThat(cohortThreads()).as("no cohort thread before").isEmpty();
        try (InProcessCluster cluster = InProcessCluster.recording(2)) {
            for (int cycle = 0; cycle < 20; cycle++) {
                cluster.startAll();
                await().atMost(WAIT).until(() ->
                        cluster.node(1).manager.connectedPeers().size() == 1
                                && cluster.node(2).manager.connectedPeers().size() == 1);
                assertThat(cohortThreads()).as("threads are named cohort-*").isNotEmpty();
                // Traffic both ways, so that buffers are allocated and must be released.
                for (int i = 0; i < 100; i++) {
                    cluster.node(1).manager.send(InProcessCluster.id(2),
                            new ClusterMessage(InProcessCluster.id(1), SUBJECT, new byte[1024]));
                    cluster.node(2).manager.send(InProcessCluster.id(1),
                            new ClusterMessage(InProcessCluster.id(2), SUBJECT, new byte[1024]));
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(cluster.node(2).commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isNotNull();
                    assertThat(cluster.node(1).commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isNotNull();
                }
                cluster.close();
                // stop() returns once every executor has terminated; the threads themselves exit just after.
                int stopped = cycle;
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(cohortThreads()).as("cycle %d: every cohort thread stopped", stopped).isEmpty());
                for (int k = 1; k <= 2; k++) {
                    try (ServerSocket rebind = new ServerSocket()) {
                        rebind.setReuseAddress(true);
                        rebind.bind(new InetSocketAddress(cluster.member(k).ip(), cluster.member(k).tcpPort()));
                    }
                }
            }
        }
        assertNoLeakedBuffers();
    }

    /** Netty reports a leak when a leaked buffer is collected and the detector next tracks one. */
    private static void assertNoLeakedBuffers() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            for (int i = 0; i < 100; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(64);
                unpooled.release();
            }
        }
        assertThat(NettyLeakRecorder.leaks()).as("Netty leak reports (PARANOID)").isEmpty();
    }
}
