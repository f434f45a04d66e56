package org.cohort.sim.net;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.cohort.sim.Simulation;

/**
 * The simulated network between simulated nodes: which addresses listen, and how long a segment takes
 * from one end of a stream to the other (a base latency plus a jitter drawn from the network's own
 * generator). Streams keep their bytes in order, as TCP does: a segment never overtakes an earlier one
 * of the same direction. Faults (partitions, resets, refused connections) are the next step.
 */
public final class SimNetwork {

    private final Simulation simulation;
    private final SplittableRandom random;
    private final Map<SocketAddress, SimServerChannel> listeners = new HashMap<>();
    private final long latencyNanos;
    private final long jitterNanos;
    private int nextEphemeralPort = 40_000;

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

    /** A local address for a dialing stream: the host's, with a port of its own. */
    SocketAddress ephemeral(SocketAddress near) {
        String host = near instanceof InetSocketAddress inet ? inet.getHostString() : "127.0.0.1";
        return InetSocketAddress.createUnresolved(host, nextEphemeralPort++);
    }
}
