package org.cohort.testtools.testing;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.SendResult;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.api.messaging.Subscription;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;

/** Small in-memory stand-ins for Cohort's services, enough to drive the test tools' classes. */
public final class Fakes {

    private Fakes() {
    }

    /** A bundle's view of a real Kryo runtime, as Cohort gives it. */
    public static OwnedSerializationService serialization(KryoSerialization runtime, String owner) {
        return new OwnedSerializationService(runtime, owner, Fakes.class.getClassLoader()::loadClass);
    }

    /** A fresh runtime and one view of it. */
    public static SerializationService serialization() {
        return serialization(new KryoSerialization(), "test-tools-test");
    }

    /** A cluster of node-1..node-N seen from one of them; states can be changed. */
    public static final class Cluster implements ClusterService {
        private final Map<NodeId, NodeState> states = new ConcurrentHashMap<>();
        private final NodeId local;

        /** Seen from node-1. */
        public Cluster(int size) {
            this(size, 1);
        }

        public Cluster(int size, int localK) {
            for (int k = 1; k <= size; k++) {
                states.put(NodeId.of("node-" + k), NodeState.ACTIVE);
            }
            local = NodeId.of("node-" + localK);
        }

        public void set(String id, NodeState state) {
            states.put(NodeId.of(id), state);
        }

        private ClusterMember member(NodeId id, NodeState state) {
            try {
                return new ClusterMember(new ControllerNode(id, InetAddress.getLoopbackAddress(), 9876), state,
                        Instant.EPOCH, 1, id.equals(local));
            } catch (IllegalArgumentException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public ClusterMember localMember() {
            return member(local, NodeState.ACTIVE);
        }

        @Override
        public List<ClusterMember> members() {
            return states.keySet().stream().sorted().map(id -> member(id, states.get(id))).toList();
        }

        @Override
        public Optional<ClusterMember> member(NodeId id) {
            NodeState state = states.get(id);
            return state == null ? Optional.empty() : Optional.of(member(id, state));
        }

        @Override
        public void addListener(ClusterEventListener listener) {
        }

        @Override
        public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        }

        @Override
        public void removeListener(ClusterEventListener listener) {
        }
    }

    /** One message the fake messaging was asked to send. */
    public record Sent(String kind, MessageSubject subject, byte[] payload, NodeId to) {
    }

    /**
     * Messaging that hands every message to the whiteboard handlers given for its subject, on the calling
     * thread, as if every node ran them (each learns this node as the sender); like Cohort it refuses nodes that are not members or INACTIVE,
     * and also those {@link #refuse} names (as if their queue were full).
     */
    public static final class Messaging implements ClusterCommunicationService {
        public final List<Sent> sent = new CopyOnWriteArrayList<>();
        public final Map<MessageSubject, MessageHandler> handlers = new ConcurrentHashMap<>();
        public final Set<NodeId> refuse = ConcurrentHashMap.newKeySet();
        /** Messages to these nodes are accepted and then lost on the way, as on a stream that closed. */
        public final Set<NodeId> lose = ConcurrentHashMap.newKeySet();
        /** Deliveries to these nodes wait for their future here: completed, they arrive; failed, they fail. */
        public final Map<NodeId, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
        private final Cluster cluster;

        public Messaging(Cluster cluster) {
            this.cluster = cluster;
        }

        private NodeId self() {
            return cluster.localMember().id();
        }

        private boolean refuses(NodeId to) {
            return refuse.contains(to) || cluster.member(to).map(m -> m.state() != NodeState.ACTIVE).orElse(true);
        }

        @Override
        public boolean unicast(MessageSubject subject, byte[] payload, NodeId to) {
            if (refuses(to)) {
                return false;
            }
            sent.add(new Sent("unicast", subject, payload, to));
            MessageHandler handler = handlers.get(subject);
            if (handler != null && !lose.contains(to)) {
                handler.handle(self(), payload);
            }
            return true;
        }

        @Override
        public <M> boolean unicast(MessageSubject subject, M message, Function<M, byte[]> encoder, NodeId to) {
            return unicast(subject, encoder.apply(message), to);
        }

        @Override
        public SendResult trySend(MessageSubject subject, byte[] payload, NodeId to) {
            if (cluster.member(to).isEmpty()) {
                return SendResult.UNKNOWN_NODE;
            }
            if (cluster.member(to).get().state() != NodeState.ACTIVE) {
                return SendResult.NO_STREAM;
            }
            return unicast(subject, payload, to) ? SendResult.ACCEPTED : SendResult.QUEUE_FULL;
        }

        @Override
        public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to) {
            return deliver(subject, payload, to, null);
        }

        @Override
        public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to, Duration deadline) {
            CompletableFuture<Void> later = held.get(to);
            if (later != null) {
                sent.add(new Sent("deliver", subject, payload, to));
                return later.thenCompose(held -> {
                    MessageHandler handler = handlers.get(subject);
                    if (handler != null) {
                        handler.handle(payload);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                });
            }
            return unicast(subject, payload, to) ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new PeerOverloadedException("refused " + to));
        }

        @Override
        public Map<NodeId, CompletableFuture<Void>> multicastWithOutcomes(MessageSubject subject, byte[] payload,
                Set<NodeId> nodes) {
            Map<NodeId, CompletableFuture<Void>> outcomes = new java.util.LinkedHashMap<>();
            nodes.forEach(node -> outcomes.put(node, deliver(subject, payload, node)));
            return outcomes;
        }

        @Override
        public Map<NodeId, CompletableFuture<Void>> broadcastWithOutcomes(MessageSubject subject, byte[] payload) {
            broadcast(subject, payload);
            return Map.of();
        }

        @Override
        public void multicast(MessageSubject subject, byte[] payload, Set<NodeId> nodes) {
            nodes.forEach(node -> unicast(subject, payload, node));
        }

        @Override
        public void broadcast(MessageSubject subject, byte[] payload) {
            sent.add(new Sent("broadcast", subject, payload, null));
            MessageHandler handler = handlers.get(subject);
            if (handler != null) {
                handler.handle(self(), payload);
            }
        }

        @Override
        public void broadcastIncludingSelf(MessageSubject subject, byte[] payload) {
            broadcast(subject, payload);
        }

        @Override
        public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to) {
            return sendAndReceive(subject, payload, to, DEFAULT_TIMEOUT);
        }

        @Override
        public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
                Duration timeout) {
            if (refuses(to)) {
                return CompletableFuture.failedFuture(new NodeUnreachableException("refused " + to));
            }
            sent.add(new Sent("request", subject, payload, to));
            MessageHandler handler = handlers.get(subject);
            if (handler == null) {
                return CompletableFuture.failedFuture(new NoRemoteHandlerException("no handler for " + subject));
            }
            try {
                byte[] reply = handler.handle(self(), payload);
                return CompletableFuture.completedFuture(reply == null ? new byte[0] : reply);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new RemoteHandlerFailureException(String.valueOf(e)));
            }
        }

        @Override
        public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message,
                Function<M, byte[]> encoder, Function<byte[], R> decoder, NodeId to, Duration timeout) {
            return sendAndReceive(subject, encoder.apply(message), to, timeout).thenApply(decoder);
        }

        @Override
        public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
                Duration timeout, Executor executor) {
            return sendAndReceive(subject, payload, to, timeout);
        }

        @Override
        public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message,
                Function<M, byte[]> encoder, Function<byte[], R> decoder, NodeId to, Duration timeout,
                Executor executor) {
            return sendAndReceive(subject, encoder.apply(message), to, timeout).thenApplyAsync(decoder, executor);
        }

        @Override
        public <M> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder,
                Consumer<M> handler, Executor executor) {
            throw new UnsupportedOperationException("the test tools subscribe through the whiteboard");
        }

        @Override
        public <M, R> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder,
                Function<M, R> handler, Function<R, byte[]> encoder, Executor executor) {
            throw new UnsupportedOperationException("the test tools subscribe through the whiteboard");
        }

        @Override
        public <M> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
                BiConsumer<NodeId, M> handler, Executor executor) {
            throw new UnsupportedOperationException("the test tools subscribe through the whiteboard");
        }

        @Override
        public <M, R> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
                BiFunction<NodeId, M, R> handler, Function<R, byte[]> encoder, Executor executor) {
            throw new UnsupportedOperationException("the test tools subscribe through the whiteboard");
        }

        /** The payloads sent of one kind, in order. */
        public List<byte[]> payloads(String kind) {
            List<byte[]> payloads = new ArrayList<>();
            for (Sent one : sent) {
                if (one.kind().equals(kind)) {
                    payloads.add(one.payload());
                }
            }
            return payloads;
        }
    }
}
