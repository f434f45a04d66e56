package org.cohort.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One message through a stream's two ends on {@link io.netty.channel.embedded.EmbeddedChannel}s, without
 * the messaging layer: the sender's drain turning a queued message into frames ({@code MessageFramer}:
 * envelope encoding straight into a pooled buffer, chunks for a large one), the receiving pipeline turning
 * them back into a {@link ClusterMessage} (length-field framing, {@code MessageReassembler}, the decoder,
 * the session's sequence check) and its dispatch to a subscriber on a direct executor, then the
 * receiver's acks and credit back to the sender. 1 MiB messages travel as 17 chunk frames.
 *
 * <p>Encoding and decoding are no longer measured apart: since the lossless sessions (wire version 2) the
 * sender stops at the receiver's credit and keeps every message until it is acked, so frames cannot be
 * thrown away, and the receiver closes a stream that replays a sequence number, so the same bytes cannot
 * be decoded twice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FramingBenchmark {

    @Param({"130", "1048578"})
    public int payloadBytes;

    private EmbeddedNode sender;
    private EmbeddedNode receiver;
    private ClusterMessage message;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        sender = new EmbeddedNode(EmbeddedNode.N1, EmbeddedNode.N2);
        receiver = new EmbeddedNode(EmbeddedNode.N2, EmbeddedNode.N1);
        // The payload as ClusterCommunicator sends it: a 2-byte messaging header, then the body.
        message = new ClusterMessage(EmbeddedNode.N1, MessageSubject.of("bench.data"), new byte[payloadBytes]);
        receiver.comms.subscribe(message.subject(), received -> blackhole.consume(received), Runnable::run);
        EmbeddedNode.resume(sender, receiver);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    @Benchmark
    public int stream() {
        if (!sender.stream.offer(message)) {
            throw new IllegalStateException("refused");
        }
        return sender.flushTo(receiver) + receiver.flushTo(sender);
    }
}
