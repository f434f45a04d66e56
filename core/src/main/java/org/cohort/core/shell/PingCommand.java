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
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.messaging.PingResponderComponent;
import org.cohort.core.messaging.RoundTripTimes;

/** {@code cluster:ping [-c COUNT] NODE}: request/reply round trips to a node, one at a time. */
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

    private static Map<String, Object> summary(Result result) {
        List<Long> answered = result.micros().stream().filter(micros -> micros >= 0).sorted().toList();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", result.node().id());
        summary.put("sent", result.micros().size());
        summary.put("received", answered.size());
        summary.put("rttMicros", result.micros());
        if (!answered.isEmpty()) {
            summary.put("minMicros", answered.get(0));
            summary.put("avgMicros", Math.round(answered.stream().mapToLong(Long::longValue).average().orElse(0)));
            // Nearest-rank 99th percentile of the answered pings.
            int rank = (int) Math.ceil(0.99 * answered.size());
            summary.put("p99Micros", answered.get(Math.max(0, rank - 1)));
        }
        summary.put("errors", result.errors());
        return summary;
    }

    @Override
    Object toJson() throws Exception {
        return summary(ping());
    }

    @Override
    void printTable(PrintStream out) throws Exception {
        Result result = ping();
        int errorIndex = 0;
        for (int i = 0; i < result.micros().size(); i++) {
            long micros = result.micros().get(i);
            if (micros >= 0) {
                out.printf("reply from %s: seq=%d time=%.3f ms%n", result.node(), i, micros / 1000.0);
            } else {
                out.printf("no reply from %s: seq=%d %s%n", result.node(), i, result.errors().get(errorIndex++));
            }
        }
        Map<String, Object> summary = summary(result);
        out.printf("%d sent, %d received", summary.get("sent"), summary.get("received"));
        if (summary.containsKey("minMicros")) {
            out.printf(", rtt min/avg/p99 = %.3f/%.3f/%.3f ms", (Long) summary.get("minMicros") / 1000.0,
                    (Long) summary.get("avgMicros") / 1000.0, (Long) summary.get("p99Micros") / 1000.0);
        }
        out.println();
    }
}
