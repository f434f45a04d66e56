package org.cohort.bench.jmh;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.messaging.MessageSubject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The whole unicast path in one thread, with no socket: {@code ClusterCommunicator.unicast} on node 1,
 * its stream's queue, drain and framing, the bytes into node 2's pipeline (framing, heartbeats,
 * reassembly, envelope decoding, dispatch), node 2's subscriber on a direct executor, the handler, and
 * node 2's acks and credit back to node 1 (the lossless session's share, wire version 2). With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is what one message allocates end to end, payload copies
 * included.
 *
 * <p>{@link #oneWayBurst} sends {@value #BURST} messages before the ends exchange their bytes, as a
 * stream under load does (the harness's W1 writes about 400 messages per flush): the acks and credit
 * are then per burst, as they are per read on a socket, not per message. It is the per-message figure
 * for a busy stream; {@link #oneWay} is a lone message's.
 *
 * <p>{@link #requestReply} is one {@code sendAndReceive} round trip the same way; the reply is completed
 * on the thread that delivers it (here the benchmark's own), as on a node's IO thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UnicastPathBenchmark {

    private static final MessageSubject SUBJECT = MessageSubject.of("bench.data");
    private static final MessageSubject ECHO = MessageSubject.of("bench.echo");

    @Param({"128"})
    public int payloadBytes;

    private EmbeddedNode node1;
    private EmbeddedNode node2;
    private byte[] payload;
    private long sequence;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        node1 = new EmbeddedNode(EmbeddedNode.N1, EmbeddedNode.N2);
        node2 = new EmbeddedNode(EmbeddedNode.N2, EmbeddedNode.N1);
        sink = blackhole;
        node2.communicator.addSubscriber(SUBJECT, Function.identity(), (byte[] bytes) -> sink.consume(bytes),
                Runnable::run);
        node2.communicator.addSubscriber(ECHO, Function.identity(), Function.identity(), Function.identity(),
                Runnable::run);
        payload = new byte[payloadBytes];
        EmbeddedNode.resume(node1, node2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node1.close();
        node2.close();
    }

    @Benchmark
    public int oneWay() {
        ByteBuffer.wrap(payload).putLong(0, ++sequence);
        if (!node1.communicator.unicast(SUBJECT, payload, EmbeddedNode.N2)) {
            throw new IllegalStateException("refused");
        }
        // Node 2's acks and credit back: without them node 1 stops at the credit window.
        return node1.flushTo(node2) + node2.flushTo(node1);
    }

    /** Messages per {@link #oneWayBurst} operation. */
    static final int BURST = 256;

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int oneWayBurst() {
        // One array for the burst: the drain copies each message into its frame batch, so the bytes
        // allocated per message are Cohort's own (the receiver's array for the handler included).
        for (int i = 0; i < BURST; i++) {
            if (!node1.communicator.unicast(SUBJECT, payload, EmbeddedNode.N2)) {
                throw new IllegalStateException("refused");
            }
        }
        return node1.flushTo(node2) + node2.flushTo(node1);
    }

    @Benchmark
    public byte[] requestReply() throws Exception {
        ByteBuffer.wrap(payload).putLong(0, ++sequence);
        CompletableFuture<byte[]> reply = node1.communicator.sendAndReceive(ECHO, payload, EmbeddedNode.N2,
                Duration.ofSeconds(10));
        node1.flushTo(node2);
        node2.flushTo(node1);
        return reply.get(10, TimeUnit.SECONDS);
    }
}
