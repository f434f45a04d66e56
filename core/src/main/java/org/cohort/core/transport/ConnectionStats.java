package org.cohort.core.transport;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.cohort.api.cluster.NodeId;

/**
 * What the connection manager tells about its streams, read-only: counters, each peer's traffic and
 * queue, the live streams and the IO workers' loads. Reads the state the streams update; changes none.
 */
final class ConnectionStats {

    private final TransportCounters counters;
    private final SortedMap<NodeId, PeerCounters> peerCounters;
    private final StreamTable table;
    private final LeastLoadedChooserFactory chooser;

    private final Sessions sessions;

    ConnectionStats(TransportCounters counters, SortedMap<NodeId, PeerCounters> peerCounters, StreamTable table,
            LeastLoadedChooserFactory chooser, Sessions sessions) {
        this.sessions = sessions;
        this.counters = counters;
        this.peerCounters = peerCounters;
        this.table = table;
        this.chooser = chooser;
    }

    /** The transport's counters, then the delivery counters summed over the peers ("delivery.acked", ...). */
    Map<String, Long> counters() {
        Map<String, Long> values = counters.snapshot();
        peerCounters.values().forEach(peer -> peer.delivery().forEach((name, value) ->
                values.merge("delivery." + name, value, Long::sum)));
        return values;
    }

    Map<String, Long> handshakesRefusedByReason() {
        return counters.handshakesRefusedByReason();
    }

    SortedMap<NodeId, PeerStats> peers() {
        SortedMap<NodeId, PeerStats> peers = new TreeMap<>();
        peerCounters.forEach((peer, traffic) -> {
            Stream stream = table.get(peer);
            PeerSession session = sessions.get(peer);
            peers.put(peer, traffic.snapshot(session == null ? 0 : session.queuedBytes(),
                    session == null ? 0 : session.resendBytes(), stream != null));
        });
        return peers;
    }

    int[] workerLoads() {
        return chooser.loads();
    }

    List<NodeId> connectedPeers() {
        return table.all().stream().map(Stream::peer).sorted().toList();
    }

    List<SocketAddress> streamAddresses(NodeId peer) {
        Stream stream = table.get(peer);
        return stream == null ? List.of() : List.of(stream.channel().localAddress(), stream.channel().remoteAddress());
    }

    long peerIncarnation(NodeId peer) {
        Stream stream = table.get(peer);
        return stream == null ? -1 : stream.incarnation();
    }
}
