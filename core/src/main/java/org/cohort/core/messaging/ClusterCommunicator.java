package org.cohort.core.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.SendResult;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.membership.MemberState;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.runtime.NodeRuntime;

/**
 * {@link ClusterCommunicationService} over core's {@link ClusterMessaging}, without any framework: every
 * message carries a {@link MessageHeader} in its envelope, beside the payload, which is sent and
 * delivered without a copy; requests ride on their own subject and replies on
 * {@link MessageHeader#REPLY_SUBJECT}.
 *
 * <p>Requests wait for their replies in {@link OutstandingRequests} (which owns the timer and replies
 * threads, stopped by {@link #close()}); the {@link Responder} runs subscribers and answers requests. A
 * request whose subject has no subscriber here is answered NO_HANDLER, and one that the subscriber's
 * executor refuses OVERLOADED: the dispatcher reports both through its undelivered-message listener.
 * Subjects subscribed directly through {@link ClusterMessaging} do not answer requests. One wire: a
 * subscriber added here also handles a plain {@link MessageSender} message, as a one-way message.
 */
public final class ClusterCommunicator implements ClusterCommunicationService, AutoCloseable {

    private static final MessageSubject REPLY = MessageSubject.of(MessageHeader.REPLY_SUBJECT);
    /**
     * The timer wheel's tick: a request fails at most this much (plus scheduling delay) after its timeout,
     * and the timer thread wakes this often while requests are pending, not once per request.
     */
    static final long TIMEOUT_TICK_MS = 10;

    private final NodeId localId;
    private final ClusterMessaging messaging;
    private final MessageSender sender;
    private final HeadedSender headed;
    private final MembershipView membership;
    private final Responder responder;
    private final OutstandingRequests requests;
    private final Subscription replySubscription;
    private final BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> undeliveredListener = this::undelivered;
    private final Consumer<MemberState> membershipListener = this::membershipChanged;
    private final ResponderSubscriptions subscriptions;
    private volatile boolean closed;

    /**
     * @param localId this node's id
     * @param messaging the subject dispatcher to subscribe through
     * @param sender sends messages (to this node too)
     * @param membership tells which members are active, and when one goes
     * @param runtime the node's clock, and the scheduling that gives the timer and the replies thread
     */
    public ClusterCommunicator(NodeId localId, ClusterMessaging messaging, MessageSender sender,
            MembershipView membership, NodeRuntime runtime) {
        this.localId = Objects.requireNonNull(localId, "localId");
        this.messaging = Objects.requireNonNull(messaging, "messaging");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.membership = Objects.requireNonNull(membership, "membership");
        headed = new HeadedSender(localId, sender);
        responder = new Responder(localId, REPLY, sender, runtime.clock());
        subscriptions = new ResponderSubscriptions(messaging, responder, REPLY);
        requests = new OutstandingRequests(localId, sender, membership, responder::dropMalformed,
                runtime.scheduling());
        // As each reply is read, on the IO thread: onReply only parses, looks up and completes, and no
        // caller's stage runs there unless the caller asked for it (see ReplyFuture). Not through the
        // subject's waiting stack, which the replies of every IO thread would share.
        replySubscription = messaging.subscribe(REPLY, requests::onReply, ClusterCommunicationService.IO_THREAD);
        messaging.addUndeliveredListener(undeliveredListener);
        membership.addStateListener(membershipListener);
    }

    /**
     * Stops: unsubscribes every subscriber added here, fails every pending request with a
     * {@link MessagingException} and stops the threads. Calling again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        membership.removeStateListener(membershipListener);
        messaging.removeUndeliveredListener(undeliveredListener);
        replySubscription.close();
        subscriptions.closeAll();
        requests.close();
    }

    // ---- one way ----

    @Override
    public boolean unicast(MessageSubject subject, byte[] payload, NodeId to) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(payload, "payload");
        return !closed && headed.send(to, subject, payload, Kind.ONE_WAY, 0L, null);
    }

    @Override
    public <M> boolean unicast(MessageSubject subject, M message, Function<M, byte[]> encoder, NodeId to) {
        return unicast(subject, encoder.apply(message), to);
    }

    @Override
    public void multicast(MessageSubject subject, byte[] payload, Set<NodeId> nodes) {
        Objects.requireNonNull(subject, "subject");
        if (closed) {
            return;
        }
        Objects.requireNonNull(payload, "payload");
        for (NodeId node : nodes) {
            headed.send(node, subject, payload, Kind.ONE_WAY, 0L, null);
        }
    }

    @Override
    public SendResult trySend(MessageSubject subject, byte[] payload, NodeId to) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(payload, "payload");
        return closed ? SendResult.STOPPED : headed.trySend(to, subject, payload, Kind.ONE_WAY, 0L, null);
    }

    @Override
    public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to) {
        return deliver(subject, payload, to, null);
    }

    @Override
    public CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to, Duration deadline) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(payload, "payload");
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new MessagingException("cluster communication is stopped"));
        }
        return sender.deliver(to, MessageHeader.oneWay(localId, subject, payload), deadline);
    }

    @Override
    public Map<NodeId, CompletableFuture<Void>> multicastWithOutcomes(MessageSubject subject, byte[] payload,
            Set<NodeId> nodes) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Map<NodeId, CompletableFuture<Void>> outcomes = new LinkedHashMap<>();
        for (NodeId node : nodes) {
            outcomes.put(node, deliver(subject, payload, node, null));
        }
        return outcomes;
    }

    @Override
    public Map<NodeId, CompletableFuture<Void>> broadcastWithOutcomes(MessageSubject subject, byte[] payload) {
        return multicastWithOutcomes(subject, payload, new TreeSet<>(activeMembers(false)));
    }

    @Override
    public void broadcast(MessageSubject subject, byte[] payload) {
        multicast(subject, payload, activeMembers(false));
    }

    @Override
    public void broadcastIncludingSelf(MessageSubject subject, byte[] payload) {
        multicast(subject, payload, activeMembers(true));
    }

    private Set<NodeId> activeMembers(boolean includingSelf) {
        Set<NodeId> active = new LinkedHashSet<>();
        for (MemberState member : membership.states()) {
            if (member.isActive() && (includingSelf || !member.id().equals(localId))) {
                active.add(member.id());
            }
        }
        return active;
    }

    // ---- request and reply ----

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to) {
        return sendAndReceive(subject, payload, to, DEFAULT_TIMEOUT);
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
            Duration timeout) {
        return request(subject, payload, to, timeout, null);
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to,
            Duration timeout, Executor executor) {
        return request(subject, payload, to, timeout, Objects.requireNonNull(executor, "executor"));
    }

    /** @param stages runs the future's dependent stages; null for the replies lane of {@code to} */
    private CompletableFuture<byte[]> request(MessageSubject subject, byte[] payload, NodeId to, Duration timeout,
            Executor stages) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(to, "to");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new MessagingException("cluster communication is stopped"));
        }
        return requests.send(subject, payload, to, timeout, stages);
    }

    @Override
    public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout) {
        return request(subject, message, encoder, decoder, to, timeout, null);
    }

    @Override
    public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout, Executor executor) {
        return request(subject, message, encoder, decoder, to, timeout, Objects.requireNonNull(executor, "executor"));
    }

    private <M, R> CompletableFuture<R> request(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout, Executor stages) {
        Objects.requireNonNull(decoder, "decoder");
        byte[] payload;
        try {
            payload = Objects.requireNonNull(encoder.apply(message), "the encoder returned null");
        } catch (RuntimeException e) {
            // The caller's own encoder failed and nothing was sent: the future says so, as for a decoder.
            return CompletableFuture.failedFuture(e);
        }
        return request(subject, payload, to, timeout, stages).thenApply(decoder);
    }

    /** How many requests wait for their replies now. */
    public int pendingCount() {
        return requests.pendingCount();
    }

    /** How many incoming messages were dropped for a malformed or unexpected header. */
    public long malformedCount() {
        return responder.malformedCount();
    }

    /** How many replies arrived for no pending request (late, duplicated, or from the wrong node). */
    public long lateReplyCount() {
        return requests.lateReplyCount();
    }

    /** On the node-event thread. */
    private void membershipChanged(MemberState state) {
        if (!state.isActive()) {
            requests.nodeVanished(state.id());
        }
    }

    /** On the dispatching thread, often an IO worker: must not throw or block. */
    private void undelivered(ClusterMessage message, SubjectDispatcher.Undelivered reason) {
        if (closed || message.subject().equals(REPLY)) {
            return;
        }
        responder.undelivered(message, reason);
    }

    // ---- subscribers ----

    @Override
    public <M> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder, Consumer<M> handler,
            Executor executor) {
        Objects.requireNonNull(handler, "handler");
        return subscribe(subject, decoder, (from, message) -> {
            handler.accept(message);
            return null;
        }, reply -> new byte[0], executor);
    }

    @Override
    public <M, R> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder,
            Function<M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        Objects.requireNonNull(handler, "handler");
        return subscribe(subject, decoder, (from, message) -> handler.apply(message), encoder, executor);
    }

    @Override
    public <M> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiConsumer<NodeId, M> handler, Executor executor) {
        Objects.requireNonNull(handler, "handler");
        return subscribe(subject, decoder, (from, message) -> {
            handler.accept(from, message);
            return null;
        }, reply -> new byte[0], executor);
    }

    @Override
    public <M, R> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiFunction<NodeId, M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        return subscribe(subject, decoder, handler, encoder, executor);
    }

    private <M, R> Subscription subscribe(MessageSubject subject, Function<byte[], M> decoder,
            BiFunction<NodeId, M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        if (closed) {
            throw new IllegalStateException("cluster communication is stopped");
        }
        return subscriptions.add(subject, decoder, handler, encoder, executor);
    }
}
