package org.cohort.core.jmx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.management.openmbean.SimpleType;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.messaging.DispatchCounters;
import org.cohort.core.stats.CohortStats;

/**
 * {@value #OBJECT_NAME}: this node's id and incarnation, every transport counter, the handshake refusals
 * by reason and the dispatch counters, one flat attribute each.
 *
 * <p>The figures {@code cluster:stats} shows carry its names, capitalized: {@code messagesSent} is
 * {@code MessagesSent}, {@code decodeErrors} is {@code DecodeErrors}, and a breakdown by reason is
 * flattened, {@code handshakesRefusedByReason.timeout} becoming {@code HandshakesRefusedTimeout}. Every
 * other transport counter is its counter name, capitalized ({@code dials} is {@code Dials}); the
 * attributes are taken from the counters the transport has when the MBean is built, so a counter added
 * to the transport shows up without a change here ({@code JmxMatchesShellTest} keeps the names in step
 * with {@code cluster:stats}).
 */
public final class ClusterBean extends ReadOnlyMBean {

    /** The object name. */
    public static final String OBJECT_NAME = "org.cohort:type=Cluster";

    /** Transport counters that {@code cluster:stats} shows under another name. */
    private static final Map<String, String> RENAMED = Map.of(
            "sent", "MessagesSent",
            "sentLocally", "MessagesSentLocally",
            "received", "MessagesReceived",
            "chunkedSent", "MessagesChunkedOut",
            "chunkedReceived", "MessagesChunkedIn",
            "sendFailedEncoding", "SendsFailedEncoding",
            "badFrames", "DecodeErrors");

    private static final String SEND_REFUSED = "sendRefused";

    /** What each known transport counter means; a counter added later is described generically. */
    private static final Map<String, String> COUNTER_DESCRIPTIONS = Map.ofEntries(
            Map.entry("sent", "Messages written whole to peers' streams"),
            Map.entry("flushes", "Flushes of written messages to the peers' sockets"),
            Map.entry("sentLocally", "Messages addressed to this node, dispatched here without a stream"),
            Map.entry("received", "Messages received from peers and handed to dispatch"),
            Map.entry("sendRefusedUnknownNode", "Sends refused: the addressee is not a member"),
            Map.entry("sendRefusedNoStream", "Sends refused: there is no live stream to the addressee"),
            Map.entry("sendRefusedQueueFull",
                    "Sends refused: the stream's outbound queue was full (outbound.queue.max.bytes)"),
            Map.entry("sendRefusedTooLarge", "Sends refused: the message is larger than message.max.bytes"),
            Map.entry("sendFailedEncoding", "Queued messages dropped because they could not be encoded"),
            Map.entry("chunkedSent", "Messages sent in 64 KiB chunks because they are larger than one chunk"),
            Map.entry("chunkedReceived", "Chunked messages received and reassembled"),
            Map.entry("delivery.sent", "Messages numbered and written to a peer for the first time"),
            Map.entry("delivery.acked", "Messages a peer acknowledged: accepted for its subscriber"),
            Map.entry("delivery.resent", "Messages written again on a new stream after a reset or reconnect"),
            Map.entry("delivery.duplicates",
                    "Messages from a replaced stream not handed on (the peer sends them again on the new one)"),
            Map.entry("streamsOpened", "Streams admitted after a completed hello, both directions"),
            Map.entry("streamsClosed", "Admitted streams that closed, for any reason"),
            Map.entry("connectionsAccepted", "Inbound TCP connections accepted, before their hello"),
            Map.entry("connectionsRefused",
                    "Accepted connections closed before their hello by the limits on unauthenticated sources, all "
                            + "reasons together"),
            Map.entry("sourcesThrottled",
                    "Times a source whose handshakes kept failing was turned away for a while"),
            Map.entry("handshakesRefused", "Hellos refused, all reasons together"),
            Map.entry("badFrames", "Streams closed because the peer sent input that could not be decoded"),
            Map.entry("silentPeersClosed", "Streams closed by the failure detector because the peer fell silent"),
            Map.entry("dispatchFailures", "Received messages the communications delegate failed to take"),
            Map.entry("dials", "Outbound connection attempts to members"),
            Map.entry("dialFailures", "Outbound connection attempts that ended without an admitted stream"));

    private final CohortStats stats;
    private final Runnable onRead;

    /**
     * @param stats the figures of the running cluster I/O, the same that cluster:stats reads
     * @param onRead run before every read, e.g. to bring the peer MBeans up to date
     */
    ClusterBean(CohortStats stats, Runnable onRead) {
        super("Cohort cluster I/O on this node: identity, transport counters and dispatch counters "
                + "(the figures of cluster:stats)", definitions(stats));
        this.stats = Objects.requireNonNull(stats, "stats");
        this.onRead = Objects.requireNonNull(onRead, "onRead");
    }

    /**
     * The attribute name of a transport counter. A counter of one reason, {@code total.reason}, becomes
     * the total's attribute name and the reason, as {@code cluster:stats} flattens its breakdowns:
     * {@code connectionsRefused.throttled} is {@code ConnectionsRefusedThrottled}.
     */
    static String counterAttribute(String counter) {
        int dot = counter.indexOf('.');
        if (dot > 0) {
            // Each further part capitalized: delivery.failedBack.noHandler is DeliveryFailedBackNoHandler.
            StringBuilder attribute = new StringBuilder(counterAttribute(counter.substring(0, dot)));
            for (String part : counter.substring(dot + 1).split("\\.")) {
                attribute.append(capitalize(part));
            }
            return attribute.toString();
        }
        String renamed = RENAMED.get(counter);
        if (renamed != null) {
            return renamed;
        }
        if (counter.startsWith(SEND_REFUSED)) {
            return "SendsRefused" + counter.substring(SEND_REFUSED.length());
        }
        return capitalize(counter);
    }

    /** The attribute name of the handshake refusals for one reason key. */
    static String refusalAttribute(String reason) {
        return "HandshakesRefused" + capitalize(reason);
    }

    private static String describe(String counter) {
        String description = COUNTER_DESCRIPTIONS.get(counter);
        if (description != null) {
            return description;
        }
        int dot = counter.indexOf('.');
        if (dot > 0 && COUNTER_DESCRIPTIONS.containsKey(counter.substring(0, dot))) {
            return "Of " + counterAttribute(counter.substring(0, dot)) + ": reason " + counter.substring(dot + 1);
        }
        return "Transport counter " + counter;
    }

    static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static List<Definition> definitions(CohortStats stats) {
        List<Definition> definitions = new ArrayList<>();
        definitions.add(new Definition("NodeId", "This node's id (node.id)", SimpleType.STRING));
        definitions.add(new Definition("ClusterName", "The cluster's name (cluster.name)", SimpleType.STRING));
        definitions.add(new Definition("Incarnation",
                "This start of the node, as its hello announces it (microseconds since the epoch)", SimpleType.LONG));
        definitions.add(new Definition("Tls", "The TLS engine of the streams (\"OpenSSL engine (BoringSSL)\","
                + " \"JDK engine (...why...)\"), or \"off\"", SimpleType.STRING));
        definitions.add(new Definition("Members", "Configured members, this node included", SimpleType.INTEGER));
        definitions.add(new Definition("ActiveMembers", "Members that are ACTIVE, this node included",
                SimpleType.INTEGER));
        for (String counter : stats.counters().keySet()) {
            definitions.add(new Definition(counterAttribute(counter), describe(counter), SimpleType.LONG));
        }
        definitions.add(new Definition("SendsRefused", "Sends refused, all reasons together", SimpleType.LONG));
        for (String reason : stats.handshakesRefusedByReason().keySet()) {
            definitions.add(new Definition(refusalAttribute(reason), "Hellos refused for reason " + reason,
                    SimpleType.LONG));
        }
        definitions.add(new Definition("DispatchDelivered",
                "Received messages whose subscriber ran and returned normally", SimpleType.LONG));
        definitions.add(new Definition("DispatchNoHandler",
                "Received messages on a subject without a local subscriber", SimpleType.LONG));
        definitions.add(new Definition("DispatchRejected",
                "Received messages refused because their subject's backlog was full or its executor refused them",
                SimpleType.LONG));
        definitions.add(new Definition("DispatchHandlerFailed",
                "Received messages whose subscriber threw", SimpleType.LONG));
        return definitions;
    }

    @Override
    Map<String, Object> values() {
        onRead.run();
        Map<String, Object> values = new LinkedHashMap<>();
        ClusterSettings settings = stats.settings();
        values.put("NodeId", settings.localNodeId().id());
        values.put("ClusterName", settings.clusterName());
        values.put("Incarnation", stats.incarnation());
        values.put("Tls", stats.tlsEngine());
        List<MemberState> members = stats.members();
        values.put("Members", members.size());
        values.put("ActiveMembers", (int) members.stream().filter(MemberState::isActive).count());
        long sendsRefused = 0;
        for (Map.Entry<String, Long> counter : stats.counters().entrySet()) {
            values.put(counterAttribute(counter.getKey()), counter.getValue());
            if (counter.getKey().startsWith(SEND_REFUSED)) {
                sendsRefused += counter.getValue();
            }
        }
        values.put("SendsRefused", sendsRefused);
        stats.handshakesRefusedByReason().forEach((reason, count) -> values.put(refusalAttribute(reason), count));
        DispatchCounters dispatch = stats.dispatch();
        values.put("DispatchDelivered", dispatch.delivered());
        values.put("DispatchNoHandler", dispatch.noHandler());
        values.put("DispatchRejected", dispatch.rejected());
        values.put("DispatchHandlerFailed", dispatch.handlerFailed());
        return values;
    }
}
