package org.cohort.core.messaging;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.MessagingTimeoutException;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.api.messaging.StreamClosedException;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.util.LogText;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterCommunicationService} over core's {@link ClusterMessaging}, without any framework: every
 * message carries a {@link MessageHeader} in its envelope, beside the payload, which is sent and
 * delivered without a copy; requests ride on their own subject and replies on
 * {@link MessageHeader#REPLY_SUBJECT}.
 *
 * <p>Threads it starts, stopped by {@link #close()}: {@code cohort-messaging-timer} (request timeouts, a
 * timer wheel of {@value #TIMEOUT_TICK_MS} ms ticks, started with the first request) and
 * {@code cohort-messaging-replies} (runs the stages callers add to request futures).
 *
 * <p>A reply is read and its request's future completed on the IO thread that read it: a caller blocked
 * in {@code get()} wakes straight from there. No caller's code runs on that thread: request futures are
 * {@link ReplyFuture}s, which run every dependent stage on the replies thread (see there). Timeouts and
 * vanished nodes complete futures on the timer and the node-event thread, under the same rule.
 *
 * <p>A request whose subject has no subscriber here is answered NO_HANDLER, and one that the
 * subscriber's executor refuses OVERLOADED: the dispatcher reports both through its
 * undelivered-message listener. Subjects subscribed directly through {@link ClusterMessaging}, not
 * through this class, do not answer requests.
 */
public final class ClusterCommunicator implements ClusterCommunicationService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCommunicator.class);
    private static final MessageSubject REPLY = MessageSubject.of(MessageHeader.REPLY_SUBJECT);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;
    private static final int MAX_FAILURE_CHARS = 512;
    /**
     * The timer wheel's tick: a request fails at most this much (plus scheduling delay) after its timeout,
     * and the timer thread wakes this often while requests are pending, not once per request.
     */
    static final long TIMEOUT_TICK_MS = 10;

    private final NodeId localId;
    private final ClusterMessaging messaging;
    private final MessageSender sender;
    private final MembershipView membership;
    private final NodeClock clock;
    private final Timer timer;
    private final EventExecutor replies;
    private final Executor stages = this::runStage;
    private final Subscription replySubscription;
    private final BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> undeliveredListener = this::undelivered;
    private final Consumer<MemberState> membershipListener = this::membershipChanged;
    private final PendingRequests<Pending> pending = new PendingRequests<>();
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder lateReplies = new LongAdder();
    private final LogThrottle malformedWarnings;
    private final LogThrottle handlerWarnings;
    private volatile boolean closed;

    /** A request waiting for its reply; its own timeout task, so that a request costs no extra object. */
    private final class Pending implements TimerTask {
        final long id;
        final NodeId to;
        final MessageSubject subject;
        final CompletableFuture<byte[]> future;
        final Duration timeout;
        /**
         * Set once the wheel took the timeout, read to cancel it. A reply that comes before it is set
         * cancels nothing: the timeout then finds the request gone and does nothing.
         */
        volatile Timeout timer;

        Pending(long id, NodeId to, MessageSubject subject, CompletableFuture<byte[]> future, Duration timeout) {
            this.id = id;
            this.to = to;
            this.subject = subject;
            this.future = future;
            this.timeout = timeout;
        }

        /** The request is done: its timeout need not fire. */
        void cancelTimeout() {
            Timeout scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }

        /** On the timer thread. */
        @Override
        public void run(Timeout expired) {
            if (pending.remove(id) != null) {
                future.completeExceptionally(new MessagingTimeoutException(
                        "no reply to " + subject + " from " + to + " within " + timeout.toMillis() + " ms"));
            }
        }
    }

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
        this.clock = runtime.clock();
        malformedWarnings = new LogThrottle(WARNING_INTERVAL_NANOS, clock.nanoTime());
        handlerWarnings = new LogThrottle(WARNING_INTERVAL_NANOS, clock.nanoTime());
        timer = runtime.scheduling().newTimer("messaging-timer", TIMEOUT_TICK_MS);
        replies = runtime.scheduling().newSerialExecutor("messaging-replies");
        // Straight on the thread that dispatches it, an IO worker: onReply only parses, looks up and
        // completes, and no caller's stage runs there (see ReplyFuture).
        replySubscription = messaging.subscribe(REPLY, this::onReply, Runnable::run);
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
        List.copyOf(subscriptions).forEach(Subscription::close);
        // Stop the timer first (it waits for its thread): a request registered after the sweep below
        // then finds it stopped and fails at once, instead of waiting for a timeout that will never run.
        timer.stop();
        for (Pending request : pending.removeAll(request -> true)) {
            request.future.completeExceptionally(new MessagingException(
                    "cluster communication stopped before the reply to " + request.subject + " from "
                            + request.to + " arrived"));
        }
        // Runs the stages already queued, then stops.
        replies.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000);
    }

    // ---- one way ----

    @Override
    public boolean unicast(MessageSubject subject, byte[] payload, NodeId to) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(payload, "payload");
        return !closed && sender.send(to, MessageHeader.oneWay(localId, subject, payload));
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
        ClusterMessage message = MessageHeader.oneWay(localId, subject, payload);
        for (NodeId node : nodes) {
            sender.send(node, message);
        }
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
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(to, "to");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new MessagingException("cluster communication is stopped"));
        }
        long id = nextRequestId.incrementAndGet();
        CompletableFuture<byte[]> future = new ReplyFuture<>(stages);
        Pending request = new Pending(id, to, subject, future, timeout);
        pending.put(id, request);
        try {
            request.timer = timer.newTimeout(request, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IllegalStateException e) { // the timer is stopped: so are we
            pending.remove(id);
            return CompletableFuture.failedFuture(new MessagingException("cluster communication is stopped"));
        }
        if (!sender.send(to, MessageHeader.request(localId, subject, id, payload))) {
            if (pending.remove(id) != null) {
                request.cancelTimeout();
                future.completeExceptionally(refusal(to, subject));
            }
        }
        return future;
    }

    @Override
    public <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout) {
        Objects.requireNonNull(decoder, "decoder");
        return sendAndReceive(subject, encoder.apply(message), to, timeout).thenApply(decoder);
    }

    /** How many requests wait for their replies now. */
    public int pendingCount() {
        return pending.size();
    }

    /** How many incoming messages were dropped for a malformed or unexpected header. */
    public long malformedCount() {
        return malformed.sum();
    }

    /** How many replies arrived for no pending request (late, duplicated, or from the wrong node). */
    public long lateReplyCount() {
        return lateReplies.sum();
    }

    /** Why the sender refused a message to a node, as far as membership can tell. */
    private MessagingException refusal(NodeId to, MessageSubject subject) {
        Optional<MemberState> member = membership.state(to);
        if (member.isEmpty()) {
            return new NodeUnreachableException("cannot send " + subject + " to " + to + ": not a cluster member");
        }
        if (!member.get().isActive()) {
            return new NodeUnreachableException("cannot send " + subject + " to " + to + ": no stream to it");
        }
        return new PeerOverloadedException("cannot send " + subject + " to " + to
                + ": its outbound queue is full (or the message is larger than message.max.bytes)");
    }

    /** On the node-event thread. */
    private void membershipChanged(MemberState state) {
        if (state.isActive()) {
            return;
        }
        for (Pending request : pending.removeAll(request -> request.to.equals(state.id()))) {
            request.cancelTimeout();
            request.future.completeExceptionally(new StreamClosedException(
                    "node " + request.to + " vanished before replying to " + request.subject));
        }
    }

    /**
     * Runs a stage of a request future on the replies thread; once that is stopped (after {@link #close()},
     * when no IO thread completes a request any more), on the thread that got to it.
     */
    private void runStage(Runnable stage) {
        try {
            replies.execute(stage);
        } catch (RejectedExecutionException e) {
            stage.run();
        }
    }

    /** On the IO thread that read the reply (the dispatcher's thread): parses, looks up, completes. */
    private void onReply(ClusterMessage message) {
        MessageHeader header = MessageHeader.of(message);
        if (header == null || header.kind() != Kind.REPLY) {
            dropMalformed(message);
            return;
        }
        Pending request = pending.removeIf(header.requestId(), candidate -> candidate.to.equals(message.sender()));
        if (request == null) {
            lateReplies.increment();
            LOG.debug("Dropped a reply from {} to request {}: no such request pending", message.sender(),
                    header.requestId());
            return;
        }
        request.cancelTimeout();
        byte[] body = message.payload();
        String where = " for " + request.subject + " at node " + request.to;
        switch (header.status()) {
            case OK -> request.future.complete(body);
            case NO_HANDLER -> request.future.completeExceptionally(new NoRemoteHandlerException("no handler" + where));
            case HANDLER_FAILED -> request.future.completeExceptionally(new RemoteHandlerFailureException(
                    "handler" + where + " failed: " + LogText.escape(new String(body, StandardCharsets.UTF_8))));
            case OVERLOADED -> request.future.completeExceptionally(
                    new PeerOverloadedException("the handler's executor" + where + " refused the request"));
            default -> throw new IllegalStateException("unknown status " + header.status());
        }
    }

    /** On the dispatching thread, often an IO worker: must not throw or block. */
    private void undelivered(ClusterMessage message, SubjectDispatcher.Undelivered reason) {
        if (closed || message.subject().equals(REPLY)) {
            return;
        }
        MessageHeader header = MessageHeader.of(message);
        if (header == null) {
            dropMalformed(message);
            return;
        }
        if (header.kind() == Kind.REQUEST) {
            Status status = reason == SubjectDispatcher.Undelivered.REJECTED ? Status.OVERLOADED : Status.NO_HANDLER;
            reply(message.sender(), header.requestId(), status, new byte[0]);
        }
    }

    private void reply(NodeId to, long requestId, Status status, byte[] body) {
        try {
            if (!sender.send(to, MessageHeader.reply(localId, REPLY, requestId, status, body))) {
                LOG.debug("Could not send the {} reply to request {} back to {}", status, requestId, to);
            }
        } catch (RuntimeException e) {
            LOG.warn("Sending the {} reply to request {} back to {} failed", status, requestId, to, e);
        }
    }

    /** The handler's failure as the requester will see it, capped. */
    static String failureText(RuntimeException e) {
        String text = String.valueOf(e);
        return text.length() <= MAX_FAILURE_CHARS ? text : text.substring(0, MAX_FAILURE_CHARS) + "...";
    }

    private void dropMalformed(ClusterMessage message) {
        malformed.increment();
        long heldBack = malformedWarnings.tryAcquire(clock.nanoTime());
        if (heldBack != LogThrottle.SUPPRESSED) {
            LOG.warn("Dropped a message on subject {} from {} ({} bytes): malformed or unexpected messaging header "
                    + "({} more since the last warning; this warning repeats at most once a minute)",
                    message.subject(), message.sender(), message.payload().length, heldBack);
        }
    }

    // ---- subscribers ----

    @Override
    public <M> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder, Consumer<M> handler,
            Executor executor) {
        Objects.requireNonNull(handler, "handler");
        return addSubscriber(subject, decoder, message -> {
            handler.accept(message);
            return null;
        }, reply -> new byte[0], executor);
    }

    @Override
    public <M, R> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder,
            Function<M, R> handler, Function<R, byte[]> encoder, Executor executor) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(encoder, "encoder");
        if (subject.equals(REPLY)) {
            throw new IllegalArgumentException("subject " + REPLY + " is reserved for replies");
        }
        if (closed) {
            throw new IllegalStateException("cluster communication is stopped");
        }
        Subscription inner = messaging.subscribe(subject,
                message -> handle(message, decoder, handler, encoder), executor);
        Subscription outer = new Subscription() {
            @Override
            public MessageSubject subject() {
                return subject;
            }

            @Override
            public void close() {
                subscriptions.remove(this);
                inner.close();
            }

            @Override
            public String toString() {
                return inner.toString();
            }
        };
        subscriptions.add(outer);
        return outer;
    }

    /** On the subscriber's executor. */
    private <M, R> void handle(ClusterMessage message, Function<byte[], M> decoder, Function<M, R> handler,
            Function<R, byte[]> encoder) {
        MessageHeader header = MessageHeader.of(message);
        if (header == null || header.kind() == Kind.REPLY) {
            dropMalformed(message);
            return;
        }
        if (header.kind() == Kind.ONE_WAY) {
            handler.apply(decoder.apply(message.payload()));
            return;
        }
        byte[] reply;
        try {
            reply = encoder.apply(handler.apply(decoder.apply(message.payload())));
        } catch (RuntimeException e) {
            long heldBack = handlerWarnings.tryAcquire(clock.nanoTime());
            if (heldBack != LogThrottle.SUPPRESSED) {
                LOG.warn("Handler for message subject {} failed on a request from {} ({} more since the last "
                        + "warning; this warning repeats at most once a minute)", message.subject(),
                        message.sender(), heldBack, e);
            }
            reply(message.sender(), header.requestId(), Status.HANDLER_FAILED,
                    failureText(e).getBytes(StandardCharsets.UTF_8));
            return;
        }
        reply(message.sender(), header.requestId(), Status.OK, reply == null ? new byte[0] : reply);
    }
}
