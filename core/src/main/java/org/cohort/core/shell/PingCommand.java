package org.cohort.core.shell;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.HdrHistogram.Histogram;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.messaging.PingResponderComponent;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.shell.NodeIdCompleter;

/**
 * {@code cluster:ping [-c COUNT] NODE}: request/reply round trips to a node, one at a time, through
 * ClusterCommunicationService like any sibling's request, on the subject core's ping responder answers.
 * The figures come from an HdrHistogram (three significant digits: within 0.1%).
 */
@Service
@Command(scope = "cluster", name = "ping", description = "Measures request/reply round trips to a node")
public class PingCommand extends ClusterAction {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_COUNT = 10_000;

    @Option(name = "-c", aliases = "--count", description = "How many round trips (1..10000, default 5)")
    int count = 5;

    @Argument(index = 0, name = "node", required = true, description = "The node to ping")
    @Completion(NodeIdCompleter.class)
    String node;

    @Reference(optional = true)
    ClusterCommunicationService messaging;

    /** Where cluster:nodes and the peer MBeans find the last round trip measured. */
    @Reference(optional = true)
    RoundTripTimes roundTripTimes;

    /** Round-trip times in microseconds, -1 for a ping without answer, with the reason for each loss. */
    private record Result(NodeId node, List<Long> micros, List<String> errors) {
    }

    private Result ping() throws InterruptedException {
        if (messaging == null) {
            throw new IllegalStateException("cluster messaging is not running");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be in 1.." + MAX_COUNT + ", got " + count);
        }
        NodeId to = member(node);
        MessageSubject subject = MessageSubject.of(PingResponderComponent.SUBJECT);
        List<Long> micros = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] payload = ByteBuffer.allocate(Long.BYTES).putLong(i).array();
            long start = System.nanoTime();
            try {
                messaging.sendAndReceive(subject, payload, to, TIMEOUT).get();
                long elapsedNanos = System.nanoTime() - start;
                micros.add(elapsedNanos / 1_000);
                if (roundTripTimes != null) {
                    roundTripTimes.record(to, Duration.ofNanos(elapsedNanos));
                }
            } catch (ExecutionException e) {
                micros.add(-1L);
                errors.add(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
            }
        }
        return new Result(to, micros, errors);
    }

    static Map<String, Object> summary(NodeId node, List<Long> micros, List<String> errors) {
        Histogram answered = new Histogram(3);
        micros.stream().filter(rtt -> rtt >= 0).forEach(answered::recordValue);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", node.id());
        summary.put("sent", micros.size());
        summary.put("received", answered.getTotalCount());
        summary.put("rttMicros", micros);
        if (answered.getTotalCount() > 0) {
            summary.put("minMicros", answered.getMinValue());
            summary.put("avgMicros", Math.round(answered.getMean()));
            summary.put("p99Micros", answered.getValueAtPercentile(99.0));
        }
        summary.put("errors", errors);
        return summary;
    }

    @Override
    Object result() throws Exception {
        Result result = ping();
        return summary(result.node(), result.micros(), result.errors());
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> summary = (Map<String, Object>) result;
        List<Long> micros = (List<Long>) summary.get("rttMicros");
        List<String> errors = (List<String>) summary.get("errors");
        Object node = summary.get("node");
        int errorIndex = 0;
        for (int i = 0; i < micros.size(); i++) {
            long rtt = micros.get(i);
            if (rtt >= 0) {
                out.printf("reply from %s: seq=%d time=%.3f ms%n", node, i, rtt / 1000.0);
            } else {
                out.printf("no reply from %s: seq=%d %s%n", node, i, errors.get(errorIndex++));
            }
        }
        out.printf("%d sent, %d received", summary.get("sent"), summary.get("received"));
        if (summary.containsKey("minMicros")) {
            out.printf(", rtt min/avg/p99 = %.3f/%.3f/%.3f ms", (Long) summary.get("minMicros") / 1000.0,
                    (Long) summary.get("avgMicros") / 1000.0, (Long) summary.get("p99Micros") / 1000.0);
        }
        out.println();
    }
}
