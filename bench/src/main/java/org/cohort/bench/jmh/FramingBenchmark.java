package org.cohort.bench.jmh;

import io.netty.buffer.ByteBuf;
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
 * Framing on its own, on an {@link io.netty.channel.embedded.EmbeddedChannel}: {@link #encode} is the
 * stream's drain turning one queued message into frames ({@code MessageFramer}: envelope encoding straight
 * into a pooled buffer, chunks for a large one); {@link #decode} is the receiving pipeline turning those
 * frames back into a {@link ClusterMessage} (length-field framing, {@code MessageReassembler},
 * {@code MessageFrameDecoder}) and its dispatch to a subscriber on a direct executor.
 * 1 MiB messages travel as 17 chunk frames.
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
    private ByteBuf wire;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        sender = new EmbeddedNode(EmbeddedNode.N1, EmbeddedNode.N2);
        receiver = new EmbeddedNode(EmbeddedNode.N2, EmbeddedNode.N1);
        // The payload as ClusterCommunicator sends it: a 2-byte messaging header, then the body.
        message = new ClusterMessage(EmbeddedNode.N1, MessageSubject.of("bench.data"), new byte[payloadBytes]);
        wire = EmbeddedNode.wire(sender, message);
        receiver.comms.subscribe(message.subject(), received -> sink.consume(received), Runnable::run);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wire.release();
        sender.close();
        receiver.close();
    }

    @Benchmark
    public void encode(Blackhole blackhole) {
        sender.stream.offer(message);
        int frames;
        do {
            frames = 0;
            sender.channel.runPendingTasks();
            ByteBuf frame;
            while ((frame = sender.channel.readOutbound()) != null) {
                blackhole.consume(frame.readableBytes());
                frame.release();
                frames++;
            }
        } while (frames > 0);
    }

    @Benchmark
    public void decode() {
        // The same bytes again: the pipeline reads the buffer to its end and releases it once.
        wire.retain().readerIndex(0);
        receiver.channel.pipeline().fireChannelRead(wire);
        receiver.channel.pipeline().fireChannelReadComplete();
    }
}
