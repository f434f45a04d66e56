package org.cohort.core.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.shell.NodeIdCompleter;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.transport.PeerStats;

/** {@code cluster:stats [NODE]}: node-level counters and per-peer traffic. */
@Service
@Command(scope = "cluster", name = "stats", description = "Shows the cluster I/O counters, node-level and per peer")
public class StatsCommand extends ClusterAction {

    @Argument(index = 0, name = "node", required = false, description = "Only this peer")
    @Completion(NodeIdCompleter.class)
    String node;

    private Map<String, Object> nodeFigures() {
        Map<String, Long> counters = stats.counters();
        Map<String, Long> refusedByReason = stats.handshakesRefusedByReason();
        Map<String, Long> sendsRefused = new LinkedHashMap<>();
        sendsRefused.put("unknownNode", counters.get("sendRefusedUnknownNode"));
        sendsRefused.put("noStream", counters.get("sendRefusedNoStream"));
        sendsRefused.put("queueFull", counters.get("sendRefusedQueueFull"));
        sendsRefused.put("tooLarge", counters.get("sendRefusedTooLarge"));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("id", stats.settings().localNodeId().id());
        figures.put("incarnation", stats.incarnation());
        figures.put("tls", stats.tlsEngine());
        figures.put("connectionsAccepted", counters.get("connectionsAccepted"));
        Map<String, Long> connectionsRefused = new LinkedHashMap<>();
        counters.forEach((name, value) -> {
            if (name.startsWith("connectionsRefused.")) {
                connectionsRefused.put(name.substring("connectionsRefused.".length()), value);
            }
        });
        figures.put("connectionsRefused", counters.get("connectionsRefused"));
        figures.put("connectionsRefusedByReason", connectionsRefused);
        figures.put("sourcesThrottled", counters.get("sourcesThrottled"));
        figures.put("streamsOpened", counters.get("streamsOpened"));
        figures.put("streamsClosed", counters.get("streamsClosed"));
        figures.put("handshakesRefused", refusedByReason.values().stream().mapToLong(Long::longValue).sum());
        figures.put("handshakesRefusedByReason", refusedByReason);
        figures.put("decodeErrors", counters.get("badFrames"));
        figures.put("silentPeersClosed", counters.get("silentPeersClosed"));
        figures.put("sendsRefused", sendsRefused.values().stream().mapToLong(Long::longValue).sum());
        figures.put("sendsRefusedByReason", sendsRefused);
        figures.put("messagesSent", counters.get("sent"));
        figures.put("messagesSentLocally", counters.get("sentLocally"));
        figures.put("messagesReceived", counters.get("received"));
        figures.put("messagesChunkedOut", counters.get("chunkedSent"));
        figures.put("messagesChunkedIn", counters.get("chunkedReceived"));
        figures.put("sendsFailedEncoding", counters.get("sendFailedEncoding"));
        figures.put("flushes", counters.get("flushes"));
        figures.put("dispatchFailures", counters.get("dispatchFailures"));
        figures.put("dials", counters.get("dials"));
        figures.put("dialFailures", counters.get("dialFailures"));
        figures.put("delivery", delivery(counters));
        return figures;
    }

    /** The delivery counters summed over the peers, without their "delivery." prefix. */
    private static Map<String, Long> delivery(Map<String, Long> counters) {
        Map<String, Long> delivery = new LinkedHashMap<>();
        counters.forEach((name, value) -> {
            if (name.startsWith("delivery.")) {
                delivery.put(name.substring("delivery.".length()), value);
            }
        });
        return delivery;
    }

    private Map<String, Map<String, Object>> peerFigures() {
        NodeId only = node == null ? null : member(node);
        Map<String, Map<String, Object>> peers = new LinkedHashMap<>();
        for (Map.Entry<NodeId, PeerStats> entry : stats.peers().entrySet()) {
            if (only != null && !only.equals(entry.getKey())) {
                continue;
            }
            PeerStats stats = entry.getValue();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("connected", stats.connected());
            figures.put("messagesIn", stats.messagesIn());
            figures.put("messagesOut", stats.messagesOut());
            figures.put("bytesIn", stats.bytesIn());
            figures.put("bytesOut", stats.bytesOut());
            figures.put("queueBytes", stats.queueBytes());
            figures.put("reconnects", stats.reconnects());
            figures.put("resendBytes", stats.resendBytes());
            figures.put("delivery", stats.delivery());
            peers.put(entry.getKey().id(), figures);
        }
        return peers;
    }

    @Override
    Object result() {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Map<String, Object>> peers = peerFigures();
        result.put("node", nodeFigures());
        result.put("peers", peers);
        result.put("subjects", stats.deliveryBySubject());
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> figures = (Map<String, Object>) result;
        Map<String, Map<String, Object>> peers = (Map<String, Map<String, Object>>) figures.get("peers");
        ShellTable nodeTable = new ShellTable();
        nodeTable.column("COUNTER");
        nodeTable.column("VALUE").alignRight();
        for (Map.Entry<String, Object> figure : ((Map<String, Object>) figures.get("node")).entrySet()) {
            if (figure.getValue() instanceof Map<?, ?> byReason) {
                // One row per reason, named like the total it breaks down: handshakesRefused.timeout.
                String total = figure.getKey().replace("ByReason", "");
                byReason.forEach((reason, count) -> nodeTable.addRow().addContent("  " + total + "." + reason, count));
            } else {
                nodeTable.addRow().addContent(figure.getKey(), figure.getValue());
            }
        }
        nodeTable.print(out);
        out.println();
        ShellTable peerTable = new ShellTable();
        for (String column : new String[] {"PEER", "CONNECTED", "MSGS IN", "MSGS OUT", "BYTES IN", "BYTES OUT",
                "QUEUED", "RESEND", "ACKED", "FAILED BACK", "REFUSED", "RECONNECTS"}) {
            peerTable.column(column);
        }
        for (Map.Entry<String, Map<String, Object>> peer : peers.entrySet()) {
            Map<String, Object> f = peer.getValue();
            Map<String, Long> delivery = (Map<String, Long>) f.get("delivery");
            peerTable.addRow().addContent(peer.getKey(), f.get("connected"), f.get("messagesIn"), f.get("messagesOut"),
                    f.get("bytesIn"), f.get("bytesOut"), f.get("queueBytes"), f.get("resendBytes"),
                    delivery.get("acked"), sum(delivery, "failedBack."), sum(delivery, "refused."), f.get("reconnects"));
        }
        peerTable.print(out);
        Map<String, Map<String, Long>> subjects = (Map<String, Map<String, Long>>) figures.get("subjects");
        if (node == null && !subjects.isEmpty()) {
            out.println();
            ShellTable subjectTable = new ShellTable();
            for (String column : new String[] {"SUBJECT (SENT)", "SENT", "ACKED", "RESENT", "FAILED BACK",
                    "REFUSED"}) {
                subjectTable.column(column);
            }
            subjects.forEach((subject, delivery) -> subjectTable.addRow().addContent(subject, delivery.get("sent"),
                    delivery.get("acked"), delivery.get("resent"), sum(delivery, "failedBack."),
                    sum(delivery, "refused.")));
            subjectTable.print(out);
        }
    }

    private static long sum(Map<String, Long> delivery, String prefix) {
        return delivery.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
