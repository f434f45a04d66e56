package org.cohort.sim.net;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.cohort.sim.Simulation;

/**
 * The simulated network between simulated nodes: which addresses listen, and how long a segment takes
 * from one end of a stream to the other (a base latency plus a jitter drawn from the network's own
 * generator). Streams keep their bytes in order, as TCP does: a segment never overtakes an earlier one
 * of the same direction. A reset aborts the streams between two hosts at once, both ends, as a TCP RST
 * does: what was in flight is lost and each end's pipeline sees its channel close.
 *
 * <p>A cut between two hosts drops what crosses it, silently, as a pulled cable beyond the first switch:
 * a dial gets no answer (its connect timeout fails it), and a stream's segments wait, as TCP retransmits
 * them, until the cut heals (then they arrive, in order) or an end gives the stream up. A cut is one-way
 * or both ways.
 */
public final class SimNetwork {

    private final Simulation simulation;
    private final SplittableRandom random;
    private final Map<SocketAddress, SimServerChannel> listeners = new HashMap<>();
    /** Every stream end that is connected, in the order they connected (a reset visits them in it). */
    private final Set<SimStreamChannel> connected = new LinkedHashSet<>();
    private final long latencyNanos;
    private final long jitterNanos;
    private int nextEphemeralPort = 40_000;
    private long segmentsSent;
    private long bytesSent;
    /** Directed cuts, "from>to" by host. */
    private final Set<String> cuts = new HashSet<>();
    /** Per directed link, the arrivals waiting for its cut to heal, oldest first. */
    private final Map<String, ArrayDeque<Runnable>> held = new LinkedHashMap<>();

    /**
     * @param latency one-way latency of every link
     * @param jitter up to this much more, drawn per segment
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

    /** One segment's one-way delay. */
    long delayNanos() {
        return latencyNanos + (jitterNanos == 0 ? 0 : random.nextLong(jitterNanos + 1));
    }

    void bind(SocketAddress address, SimServerChannel listener) throws BindException {
        if (listeners.putIfAbsent(address, listener) != null) {
            throw new BindException("Address already in use: " + address);
        }
    }

    void unbind(SocketAddress address, SimServerChannel listener) {
        listeners.remove(address, listener);
    }

    /** The channel listening on the address, or null (a connection to it is refused). */
    SimServerChannel listener(SocketAddress address) {
        return listeners.get(address);
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
        cuts.add(fromHost + ">" + toHost);
    }

    /** Cuts both ways. */
    public void cutBothWays(String hostA, String hostB) {
        cut(hostA, hostB);
        cut(hostB, hostA);
    }

    /** Heals every cut; what waited crosses now, in order, each after a delay of its own. */
    public void healAll() {
        cuts.clear();
        for (ArrayDeque<Runnable> waiting : held.values()) {
            long at = 0;
            for (Runnable arrival : waiting) {
                at = Math.max(at, delayNanos());
                simulation.schedule(at, "a held segment crosses a healed link", arrival);
            }
        }
        held.clear();
    }

    /** Whether what goes from one host to the other is dropped now. */
    boolean isCut(String fromHost, String toHost) {
        return cuts.contains(fromHost + ">" + toHost);
    }

    /**
     * Runs an arrival on the link now, or holds it until the link heals if the link is cut or already
     * holds earlier arrivals (which it must not overtake).
     */
    void arrive(String fromHost, String toHost, Runnable arrival) {
        String link = fromHost + ">" + toHost;
        ArrayDeque<Runnable> waiting = held.get(link);
        if (cuts.contains(link) || waiting != null) {
            held.computeIfAbsent(link, l -> new ArrayDeque<>()).add(arrival);
            return;
        }
        arrival.run();
    }

    /** How many connected streams host {@code fromHost} holds whose other end is on {@code toHost}. */
    public int streamEnds(String fromHost, String toHost) {
        int ends = 0;
        for (SimStreamChannel end : connected) {
            if (end.from(fromHost, toHost)) {
                ends++;
            }
        }
        return ends;
    }
}
