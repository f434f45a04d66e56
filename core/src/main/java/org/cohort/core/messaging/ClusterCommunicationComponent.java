package org.cohort.core.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Publishes {@link ClusterCommunicationService} to sibling bundles: a {@link ClusterCommunicator} over
 * core's dispatcher, the connection manager's sender and the membership. Deactivation stops it,
 * failing the requests still waiting for replies.
 */
@Component(service = ClusterCommunicationService.class)
public class ClusterCommunicationComponent implements ClusterCommunicationService {

    private final ClusterCommunicator communicator;

    @Activate
    public ClusterCommunicationComponent(
            @Reference(name = "configuration") ClusterConfiguration configuration,
            @Reference(name = "messaging") ClusterMessaging messaging,
            @Reference(name = "sender") MessageSender sender,
            @Reference(name = "membership") MembershipView membership,
            @Reference(name = "runtime") NodeRuntime runtime) {
        communicator = new ClusterCommunicator(configuration.settings().localNodeId(), messaging, sender, membership,
                runtime);
    }

    @Deactivate
    void deactivate() {
        communicator.close();
    }

    @Override
    public boolean unicast(MessageSubject subject, byte[] payload, NodeId to) {
        return communicator.unicast(subject, payload, to);
    }

    @Override
    public <M> boolean unicast(MessageSubject subject, M message, Function<M, byte[]> encoder, NodeId to) {
        return communicator.unicast(subject, message, encoder, to);
    }

    @Override
    public void multicast(MessageSubject subject, byte[] payload, Set<NodeId> nodes) {
        communicator.multicast(subject, payload, nodes);
    }

    @Override
    public SendResult trySend(MessageSubject subject, byte[] payload, NodeId to) {
        return communicator.trySend(subject, payload, to);
    }

    @Override
    public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to) {
        return communicator.deliver(subject, payload, to);
    }

    @Override
    public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to, Duration deadline) {
        return communicator.deliver(subject, payload, to, deadline);
    }

    @Override
    public Map<NodeId, CompletableFuture<Void>> multicastWithOutcomes(MessageSubject subject, byte[] payload,
            Set<NodeId> nodes) {
        return communicator.multicastWithOutcomes(subject, payload, nodes);
    }

    @Override
    public Map<NodeId, CompletableFuture<Void>> broadcastWithOutcomes(MessageSubject subject, byte[] payload) {
        return communicator.broadcastWithOutcomes(subject, payload);
    }

    @Override
    public void broadcast(MessageSubject subject, byte[] payload) {
        communicator.broadcast(subject, payload);
    }

    @Override
    public void broadcastIncludingSelf(MessageSubject subject, byte[] payload) {
        communicator.broadcastIncludingSelf(subject, payload);
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to) {
        return communicator.sendAndReceive(subject, payload, to);
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
            Duration timeout) {
        return communicator.sendAndReceive(subject, payload, to, timeout);
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
            Duration timeout, Executor executor) {
        return communicator.sendAndReceive(subject, payload, to, timeout, executor);
    }

    @Override
    public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout) {
        return communicator.sendAndReceive(subject, message, encoder, decoder, to, timeout);
    }

    @Override
    public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout, Executor executor) {
        return communicator.sendAndReceive(subject, message, encoder, decoder, to, timeout, executor);
    }

    @Override
    public <M> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder, Consumer<M> handler,
            Executor executor) {
        return communicator.addSubscriber(subject, decoder, handler, executor);
    }

    @Override
    public <M, R> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder,
            Function<M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        return communicator.addSubscriber(subject, decoder, handler, encoder, executor);
    }

    @Override
    public <M> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiConsumer<NodeId, M> handler, Executor executor) {
        return communicator.addSubscriberWithSender(subject, decoder, handler, executor);
    }

    @Override
    public <M, R> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiFunction<NodeId, M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        return communicator.addSubscriberWithSender(subject, decoder, handler, encoder, executor);
    }
}
