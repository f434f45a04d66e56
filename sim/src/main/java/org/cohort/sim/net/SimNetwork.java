package org.cohort.sim.net;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.cohort.sim.Simulation;

/**
 * The simulated network between simulated nodes: which addresses listen, and what happens to a segment
 * between the two ends of a stream. Each direction between two hosts is a {@link SimLink}: a segment
 * waits for the link to finish sending what was given to it before (its bandwidth: size over bytes a
 * second, unlimited by default), then crosses in the link's latency plus a jitter drawn from the
 * network's own generator. The network's latency, jitter and bandwidth are every link's defaults; a link
 * may have its own ({@link #link}), so that a slow or distant node can be modelled. Streams keep their
 * bytes in order, as TCP does: a segment never overtakes an earlier one of the same direction. Each end
 * has a send buffer ({@link #sendBufferBytes}): past it, writes wait in Netty's outbound buffer and the
 * channel turns unwritable, as over a kernel socket, so core's flow control is exercised.
 *
 * <p>A reset aborts the streams between two hosts at once, both ends, as a TCP RST does: what was in
 * flight is lost and each end's pipeline sees its channel close; {@link #resetMidSegment} first hands each
 * end a prefix of the oldest segment coming to it, so that decoders meet a frame cut short.
 * {@link #refuse} makes a host's listeners refuse dials, as a firewall's REJECT rule does, while its
 * streams go on.
 *
 * <p>A cut between two hosts drops what crosses it, silently, as a pulled cable beyond the first switch:
 * a dial gets no answer (its connect timeout fails it), and a stream's segments wait, as TCP retransmits
 * them, until the cut heals (then they arrive, in order) or an end gives the stream up. A cut is one-way
 * or both ways.
 *
 * <p>Every draw (jitter, a truncated segment's length) comes from one generator split from the
 * simulation, in the order of the events that make them, so the same seed makes the same run.
 */
public final class SimNetwork {

    /**
     * Each end's send buffer unless set ({@link #sendBufferBytes(int)}, or {@code SO_SNDBUF} on the
     * channel): 256 KiB, production's low water mark, and within what Linux gives a socket (16 KiB to
     * start, grown up to 4 MiB by default).
     */
    public static final int DEFAULT_SEND_BUFFER_BYTES = 256 * 1024;

    private final Simulation simulation;
    private final SplittableRandom random;
    private final Map<SocketAddress, SimServerChannel> listeners = new HashMap<>();
    /** Every stream end that is connected, in the order they connected (a reset visits them in it). */
    private final Set<SimStreamChannel> connected = new LinkedHashSet<>();
    private final long latencyNanos;
    private final long jitterNanos;
    private long bandwidth = SimLink.UNLIMITED;
    private int sendBufferBytes = DEFAULT_SEND_BUFFER_BYTES;
    private int nextEphemeralPort = 40_000;
    private long segmentsSent;
    private long bytesSent;
    /** Directed links, "from>to" by host, in the order they were first used (a heal visits them in it). */
    private final Map<String, SimLink> links = new LinkedHashMap<>();
    /** Hosts whose listeners refuse every dial. */
    private final Set<String> refusing = new HashSet<>();

    /**
     * @param latency one-way latency of every link that has none of its own
     * @param jitter up to this much more, drawn per segment, on every link that has none of its own
     */
    public SimNetwork(Simulation simulation, Duration latency, Duration jitter) {
        this.simulation = simulation;
        this.random = simulation.split();
        this.latencyNanos = latency.toNanos();
        this.jitterNanos = jitter.toNanos();
    }

    public Simulation simulation() {
        return simulation;
    }

    /**
     * The link from one host to the other, to give it conditions of its own: {@code
     * network.link("10.0.0.1", "10.0.0.2").latency(Duration.ofMillis(40)).bandwidth(125_000)}.
     */
    public SimLink link(String fromHost, String toHost) {
        return links.computeIfAbsent(fromHost + ">" + toHost, key -> new SimLink(this, fromHost, toHost));
    }

    /** Applies the same conditions to both directions between two hosts. */
    public void linkBothWays(String hostA, String hostB, Consumer<SimLink> conditions) {
        conditions.accept(link(hostA, hostB));
        conditions.accept(link(hostB, hostA));
    }

    /** Every link's bandwidth, in bytes a second, unless it has its own ({@link SimLink#UNLIMITED}: none). */
    public SimNetwork defaultBandwidth(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a bandwidth of " + bytesPerSecond + " bytes a second");
        }
        this.bandwidth = bytesPerSecond;
        return this;
    }

    public long defaultBandwidth() {
        return bandwidth;
    }

    long defaultLatencyNanos() {
        return latencyNanos;
    }

    long defaultJitterNanos() {
        return jitterNanos;
    }

    /**
     * The send buffer of every stream end made from now on: at most this many bytes of an end are in
     * flight (sent, not arrived); {@code ChannelOption.SO_SNDBUF} sets one end's.
     */
    public SimNetwork sendBufferBytes(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a send buffer of " + bytes + " bytes");
        }
        this.sendBufferBytes = bytes;
        return this;
    }

    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** One segment's crossing of a link, after it has been sent: the latency plus a jitter drawn now. */
    long delayNanos(SimLink link) {
        long jitter = link.jitterNanos();
        return link.latencyNanos() + (jitter == 0 ? 0 : random.nextLong(jitter + 1));
    }

    /** How much of a segment of {@code length} bytes (at least 2) a reset lets arrive: 1 to length - 1. */
    int truncatedLength(int length) {
        return 1 + random.nextInt(length - 1);
    }

    void bind(SocketAddress address, SimServerChannel listener) throws BindException {
        if (listeners.putIfAbsent(address, listener) != null) {
            throw new BindException("Address already in use: " + address);
        }
    }

    void unbind(SocketAddress address, SimServerChannel listener) {
        listeners.remove(address, listener);
    }

    /**
     * The channel listening on the address, or null (a connection to it is refused): none either while
     * its host {@link #refuse refuses}.
     */
    SimServerChannel listener(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && refusing.contains(inet.getHostString())) {
            return null;
        }
        return listeners.get(address);
    }

    /**
     * Dials to the host's listeners are refused from now on (RST: the dialer's connect fails with
     * {@code ConnectException: Connection refused} after a round trip), as with a firewall's REJECT rule
     * or a full accept backlog; its streams, and its own dials, go on. Until {@link #accept}.
     */
    public void refuse(String host) {
        refusing.add(host);
    }

    /** Dials to the host's listeners are answered again. */
    public void accept(String host) {
        refusing.remove(host);
    }

    /** A local address for a dial that names none (core's always names its node's own address). */
    SocketAddress ephemeral() {
        return InetSocketAddress.createUnresolved("0.0.0.0", nextEphemeralPort++);
    }

    /** Segments written to streams so far (a flush of frames is one), for a scale report. */
    public long segmentsSent() {
        return segmentsSent;
    }

    /** Bytes written to streams so far. */
    public long bytesSent() {
        return bytesSent;
    }

    void sent(int bytes) {
        segmentsSent++;
        bytesSent += bytes;
    }

    void connected(SimStreamChannel end) {
        connected.add(end);
    }

    void closed(SimStreamChannel end) {
        connected.remove(end);
    }

    /**
     * Resets every stream between the two hosts (either direction): both ends close now and nothing in
     * flight arrives.
     *
     * @return how many stream ends were reset
     */
    public int reset(String hostA, String hostB) {
        int reset = 0;
        for (SimStreamChannel end : List.copyOf(connected)) {
            if (end.between(hostA, hostB)) {
                end.reset();
                reset++;
            }
        }
        return reset;
    }

    /**
     * Resets every stream between the two hosts, as {@link #reset} does, but in the middle of a segment:
     * each end first reads a prefix of the oldest segment in flight to it (a length drawn from 1 byte to
     * all but one), then its channel closes. What had crossed before the reset is read before the prefix;
     * the rest of what was in flight is lost. An end with nothing in flight to it, or only a 1-byte
     * segment or the other end's close, reads nothing more.
     *
     * @return how many stream ends were reset
     */
    public int resetMidSegment(String hostA, String hostB) {
        int reset = 0;
        for (SimStreamChannel end : List.copyOf(connected)) {
            if (end.between(hostA, hostB)) {
                end.resetMidSegment();
                reset++;
            }
        }
        return reset;
    }

    /**
     * A host's process died: its listeners go (a dial to them is refused) and its streams are reset, as
     * the kernel of a killed process resets them.
     */
    public void crash(String host) {
        listeners.entrySet().removeIf(entry -> entry.getKey() instanceof InetSocketAddress inet
                && inet.getHostString().equals(host));
        for (SimStreamChannel end : List.copyOf(connected)) {
            if (end.from(host, null)) {
                end.crash(); // resets the other end too
            }
        }
    }

    /** Drops what goes from {@code fromHost} to {@code toHost} until {@link #healAll}. */
    public void cut(String fromHost, String toHost) {
        link(fromHost, toHost).cut(true);
    }

    /** Cuts both ways. */
    public void cutBothWays(String hostA, String hostB) {
        cut(hostA, hostB);
        cut(hostB, hostA);
    }

    /** Heals every cut; what waited crosses now, in order, each after a delay of its own. */
    public void healAll() {
        for (SimLink link : links.values()) {
            link.cut(false);
            long at = 0;
            for (Runnable arrival : link.held()) {
                at = Math.max(at, delayNanos(link));
                simulation.schedule(at, "a held segment crosses a healed link", arrival);
            }
            link.held().clear();
        }
    }

    /** Whether what goes from one host to the other is dropped now. */
    boolean isCut(String fromHost, String toHost) {
        SimLink link = links.get(fromHost + ">" + toHost);
        return link != null && link.isCut();
    }

    /**
     * Runs an arrival on the link now, or holds it until the link heals if the link is cut or already
     * holds earlier arrivals (which it must not overtake).
     */
    void arrive(SimLink link, Runnable arrival) {
        if (link.isCut() || !link.held().isEmpty()) {
            link.held().add(arrival);
            return;
        }
        arrival.run();
    }

    /** The connected stream ends on {@code fromHost} whose other end is on {@code toHost}, for a report. */
    public List<String> describeStreamEnds(String fromHost, String toHost) {
        List<String> ends = new java.util.ArrayList<>();
        for (SimStreamChannel end : connected) {
            if (end.from(fromHost, toHost)) {
                ends.add(end.localAddress() + " -> " + end.remoteAddress() + " on " + end.eventLoop()
                        + (end.eventLoop().isShuttingDown() ? " (stopped)" : ""));
            }
        }
        return ends;
    }

    /** How many connected streams each host holds to each other host, by "from>to" (one pass). */
    public Map<String, Integer> streamEndCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (SimStreamChannel end : connected) {
            counts.merge(end.hosts(), 1, Integer::sum);
        }
        return counts;
    }
}
