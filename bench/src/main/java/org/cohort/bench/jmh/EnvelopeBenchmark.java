package org.cohort.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The message envelope through {@link SerializationService#encode} and {@link SerializationService#decode},
 * as the framer and the frame decoder call them: into and out of a direct buffer. Decoding allocates the
 * message, its sender id and subject and the payload array; the payload copy is the part that grows with
 * the message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeBenchmark {

    @Param({"130"})
    public int payloadBytes;

    private SerializationService serialization;
    private ClusterMessage message;
    private ByteBuffer target;
    private ByteBuffer encoded;
    private int encodedLength;

    @Setup(Level.Trial)
    public void setUp() {
        serialization = new OwnedSerializationService(new KryoSerialization(), "bench",
                getClass().getClassLoader()::loadClass);
        message = new ClusterMessage(NodeId.of("n1"), MessageSubject.of("bench.data"), new byte[payloadBytes]);
        target = ByteBuffer.allocateDirect(serialization.maxEncodedLength(message));
        serialization.encode(message, target);
        encodedLength = target.position();
        encoded = ByteBuffer.allocateDirect(encodedLength);
        target.flip();
        encoded.put(target);
    }

    @Benchmark
    public int encode() {
        target.clear();
        serialization.encode(message, target);
        return target.position();
    }

    @Benchmark
    public ClusterMessage decode() {
        encoded.clear().limit(encodedLength);
        return serialization.decode(encoded);
    }

    @Benchmark
    public int maxEncodedLength() {
        return serialization.maxEncodedLength(message);
    }
}
