package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.StringJoiner;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.ClusterSettingsParser;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.membership.MemberState;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.Randomness;
import org.cohort.sim.SimClock;
import org.cohort.sim.SimHost;
import org.cohort.sim.SimScheduling;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;
import org.cohort.sim.net.SimTransport;

/**
 * N whole Cohort nodes on one {@link Simulation}: node K is {@code node-K} at {@code 10.0.0.K:7000} on a
 * {@link SimHost} of its own, assembled as {@code CohortNode} and DS assemble a node ({@link NodeAssembly})
 * from the configuration keys of {@code org.cohort.cluster.cfg}, on a runtime of the simulation's seams:
 * {@link SimClock} (with the skew given), a seeded {@link Randomness}, {@link SimScheduling} and
 * {@link SimTransport}. Nodes are made in order, so the same seed gives every node the same draws.
 */
public final class SimCluster implements AutoCloseable {

    private static final int PORT = 7000;
    /**
     * Settings parsed before, by their keys: parsing goes through OSGi's converter (reflection), which
     * costs more than a whole node's start, and a run of seeds parses the same few hundred sets again and
     * again. Settings are immutable, so sharing them changes nothing a run does.
     */
    private static final Map<Map<String, Object>, ClusterSettings> PARSED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Simulation simulation;
    private final SimNetwork network;
    private final List<SimHost> hosts = new ArrayList<>();
    /** Every host any process of any node ever ran on, in order. */
    private final List<SimHost> everyHost = new ArrayList<>();
    private final List<NodeAssembly> nodes = new ArrayList<>();
    /** Each node's own keys (name, id and the extra keys); its member list is kept apart. */
    private final List<Map<String, Object>> properties = new ArrayList<>();
    /** Each node's member list as its configuration says now, by node number. */
    private final List<SortedSet<Integer>> memberLists = new ArrayList<>();
    private final List<Integer> incarnations = new ArrayList<>();
    private final Map<Integer, Long> skewNanos;

    /**
     * @param size how many nodes (1 to 64)
     * @param extra configuration keys every node gets on top of the cluster's name, ids and members
     * @param skewNanos each node's clock skew, by node number (1-based); missing nodes have none
     */
    public SimCluster(Simulation simulation, SimNetwork network, int size, Map<String, Object> extra,
            Map<Integer, Long> skewNanos) throws InvalidConfigurationException {
        if (size < 1 || size > 64) {
            throw new IllegalArgumentException("a simulated cluster has 1 to 64 nodes, not " + size);
        }
        this.simulation = simulation;
        this.network = network;
        this.skewNanos = Map.copyOf(skewNanos);
        SortedSet<Integer> everyone = new TreeSet<>();
        for (int k = 1; k <= size; k++) {
            everyone.add(k);
        }
        for (int k = 1; k <= size; k++) {
            Map<String, Object> own = new HashMap<>(extra);
            own.put("cluster.name", "sim");
            own.put("node.id", "node-" + k);
            properties.add(own);
            memberLists.add(everyone);
            settings(k); // fails now, not at the first restart, if the keys are wrong
            incarnations.add(0);
            hosts.add(null);
            nodes.add(null);
            assemble(k);
        }
    }

    /** Node K's settings with the member list its configuration has now. */
    private ClusterSettings settings(int k) throws InvalidConfigurationException {
        StringJoiner members = new StringJoiner(",");
        for (int member : memberLists.get(k - 1)) {
            members.add("node-" + member + "@" + address(member) + ":" + PORT);
        }
        Map<String, Object> keys = new HashMap<>(properties.get(k - 1));
        keys.put("members", members.toString());
        ClusterSettings parsed = PARSED.get(keys);
        if (parsed == null) {
            parsed = ClusterSettingsParser.parse(keys);
            if (PARSED.size() < 10_000) {
                PARSED.put(Map.copyOf(keys), parsed);
            }
        }
        return parsed;
    }

    /** Node K's next process: a new host and a new incarnation, not started. */
    private NodeAssembly assemble(int k) throws InvalidConfigurationException {
        SimHost host = new SimHost(simulation, "node-" + k);
        everyHost.add(host);
        int incarnation = incarnations.get(k - 1) + 1;
        NodeRuntime runtime = NodeRuntime.of(new SimClock(simulation, skewNanos.getOrDefault(k, 0L)),
                Randomness.seeded(simulation.split().nextLong()), new SimScheduling(host),
                () -> new SimTransport(network, host));
        NodeAssembly node = NodeAssembly.builder(settings(k)).runtime(runtime)
                .incarnation(1_000L * k + incarnation).build();
        incarnations.set(k - 1, incarnation);
        hosts.set(k - 1, host);
        nodes.set(k - 1, node);
        return node;
    }

    /** Kills node K's process (kill -9): it stops at once, says nothing, and its streams are reset. */
    public void kill(int k) {
        host(k).kill();
        network.crash(address(k));
    }

    /**
     * Starts node K again as a new incarnation, on a new host; {@code beforeStart} sees it first (to add
     * its handlers, as its bundles would).
     */
    public NodeAssembly restart(int k, java.util.function.Consumer<NodeAssembly> beforeStart)
            throws InvalidConfigurationException {
        NodeAssembly node = assemble(k);
        beforeStart.accept(node);
        node.start();
        return node;
    }

    /**
     * An operator's edit of node K's member list (it must name node K): a running node applies it at once,
     * as a ConfigAdmin edit does; a node that is down starts with it.
     */
    public void editMembers(int k, Set<Integer> members) throws InvalidConfigurationException {
        memberLists.set(k - 1, new TreeSet<>(members));
        ClusterSettings next = settings(k);
        if (isRunning(k)) {
            node(k).reconfigure(next);
        }
    }

    /** Node K's member list as its configuration says now. */
    public SortedSet<Integer> members(int k) {
        return memberLists.get(k - 1);
    }

    /** Stops node K gracefully (its bundle stops: it leaves, saying goodbye); nothing of it may run after. */
    public void stop(int k) {
        node(k).close();
        host(k).closed();
    }

    /** Whether node K's process runs: started, neither killed nor stopped. */
    public boolean isRunning(int k) {
        return !host(k).isDead() && !host(k).isClosed();
    }

    /** How many processes node K has had (1 until its first restart). */
    public int incarnation(int k) {
        return incarnations.get(k - 1);
    }

    /** The address of node K's host. */
    public static String address(int k) {
        return "10.0.0." + k;
    }

    public Simulation simulation() {
        return simulation;
    }

    public SimNetwork network() {
        return network;
    }

    public int size() {
        return nodes.size();
    }

    /** Node K (1-based). */
    public NodeAssembly node(int k) {
        return nodes.get(k - 1);
    }

    /** Every host any process of any node ran on (killed and stopped ones included). */
    public List<SimHost> everyHost() {
        return List.copyOf(everyHost);
    }

    /** Node K's host (1-based). */
    public SimHost host(int k) {
        return hosts.get(k - 1);
    }

    public void startAll() {
        nodes.forEach(NodeAssembly::start);
    }

    /** Runs the simulation until every node sees every member ACTIVE, for at most {@code within}. */
    public boolean awaitAllActive(Duration within) {
        return simulation.runUntil(this::allActive, simulation.nanoTime() + within.toNanos());
    }

    /** Whether every running node sees every member of its list ACTIVE. */
    public boolean allActive() {
        for (int k = 1; k <= nodes.size(); k++) {
            if (isRunning(k) && !node(k).membership().states().stream().allMatch(MemberState::isActive)) {
                return false;
            }
        }
        return true;
    }

    /** Stops every running node (gracefully: each says goodbye), in order. */
    @Override
    public void close() {
        for (int k = 1; k <= nodes.size(); k++) {
            if (isRunning(k)) {
                stop(k);
            }
        }
    }
}
