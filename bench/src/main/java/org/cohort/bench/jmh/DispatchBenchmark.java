package org.cohort.bench.jmh;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MembershipTable;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.runtime.NodeRuntime;
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
 * Dispatch of one received message, on a direct executor so that only Cohort's own work counts:
 * {@link #subjectDispatcher} is the {@code SubjectDispatcher} alone (handler lookup, backlog accounting,
 * the task handed to the executor; the JIT may see through the task here), {@link #subjectDispatcherQueued}
 * the same with an executor that keeps the task, as every real one does (a thread pool adds its queue
 * node on top); {@link #communicator} adds {@link ClusterCommunicator}'s part for a
 * sibling bundle's subscriber (messaging header read, decoder, handler);
 * {@link #oneWayHeader} is the sender's side of that header ({@code unicast} making a message that
 * carries it beside the payload, handed to a sender that keeps it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {

    private static final MessageSubject RAW = MessageSubject.of("bench.raw");
    private static final MessageSubject SUBJECT = MessageSubject.of("bench.data");
    private static final MessageSubject QUEUED = MessageSubject.of("bench.queued");

    @Param({"128"})
    public int payloadBytes;

    private CommunicationsComponent comms;
    private ClusterCommunicator communicator;
    private ClusterMessage rawMessage;
    private ClusterMessage message;
    private ClusterMessage queuedMessage;
    private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    private byte[] payload;
    private NodeId self;
    private ClusterMessage lastSent;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        comms = new CommunicationsComponent();
        self = NodeId.of("n2");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ClusterSettings settings = new ClusterSettings("bench", self,
                List.of(new ControllerNode(NodeId.of("n1"), loopback, 9001), new ControllerNode(self, loopback, 9002)),
                1, Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2),
                16 << 20, 64L << 20);
        // The communicator's sender keeps the last message it was given: how a message carrying the
        // messaging header is made here, through the public path, as a sibling's unicast makes it.
        communicator = new ClusterCommunicator(self, comms, new BooleanSender((to, m) -> {
            lastSent = m;
            return true;
        }), new MembershipTable(settings, 1, Instant.now()), NodeRuntime.production());
        comms.subscribe(RAW, received -> sink.consume(received), Runnable::run);
        // An executor that keeps the task, like every real one (ArrayDeque: no node per task).
        comms.subscribe(QUEUED, received -> sink.consume(received), tasks::add);
        communicator.addSubscriber(SUBJECT, Function.identity(), (byte[] body) -> sink.consume(body), Runnable::run);
        payload = new byte[payloadBytes];
        rawMessage = headed(RAW);
        message = headed(SUBJECT);
        queuedMessage = headed(QUEUED);
    }

    /** A message with the messaging header, as node n1's unicast sends it (its sender is n2 here). */
    private ClusterMessage headed(MessageSubject subject) {
        communicator.unicast(subject, payload, NodeId.of("n1"));
        return lastSent;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        communicator.close();
    }

    @Benchmark
    public void subjectDispatcher() {
        comms.dispatch(rawMessage);
    }

    @Benchmark
    public void subjectDispatcherQueued() {
        comms.dispatch(queuedMessage);
        tasks.poll().run();
    }

    @Benchmark
    public void communicator() {
        comms.dispatch(message);
    }

    @Benchmark
    public ClusterMessage oneWayHeader() {
        communicator.unicast(SUBJECT, payload, self);
        return lastSent;
    }
}
