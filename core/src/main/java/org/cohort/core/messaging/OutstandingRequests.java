package org.cohort.core.messaging;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;
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
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.cohort.core.runtime.Scheduling;
import org.cohort.core.util.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of a {@link ClusterCommunicator} that wait for their replies: each has a timeout on a
 * timer wheel, completes with its reply (or the remote's failure status), fails when its node vanishes,
 * and fails when the communicator closes.
 *
 * <p>Threads it starts (from the node's scheduling), stopped by {@link #close()}:
 * {@code cohort-messaging-timer} (request timeouts, a timer wheel of
 * {@value ClusterCommunicator#TIMEOUT_TICK_MS} ms ticks, started with the first request) and
 * {@code cohort-messaging-replies-1} to {@value #REPLY_LANES} (run the stages callers add to request
 * futures; each started with its first stage).
 *
 * <p>A reply is read and its request's future completed on the IO thread that read it: a caller blocked
 * in {@code get()} wakes straight from there. No caller's code runs on that thread unless the caller
 * asked for it ({@link org.cohort.api.messaging.ClusterCommunicationService#IO_THREAD}): request futures
 * are {@link ReplyFuture}s, which run every dependent stage on the executor the caller named, or on a
 * replies lane: the lane of the request's node, so that one node's slow callbacks hold up only the
 * requests to the nodes sharing its lane, and the requests to one node find their stages run in turn.
 * Timeouts and vanished nodes complete futures on the timer and the node-event thread, under the same rule.
 */
final class OutstandingRequests {

    private static final Logger LOG = LoggerFactory.getLogger(OutstandingRequests.class);
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    private final HeadedSender sender;
    private final MembershipView membership;
    private final Consumer<ClusterMessage> malformed;
    /** How many replies threads (lanes) run the stages of requests sent without an executor. */
    static final int REPLY_LANES = 4;

    private final Timer timer;
    private final EventExecutor[] replies = new EventExecutor[REPLY_LANES];
    private final Executor[] lanes = new Executor[REPLY_LANES];
    private final PendingRequests<Pending> pending = new PendingRequests<>();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final LongAdder lateReplies = new LongAdder();

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

    /** @param malformed told of a message on the reply subject whose header is not a reply's */
    OutstandingRequests(NodeId localId, MessageSender sender, MembershipView membership,
            Consumer<ClusterMessage> malformed, Scheduling scheduling) {
        this.sender = new HeadedSender(localId, sender);
        this.membership = membership;
        this.malformed = malformed;
        timer = scheduling.newTimer("messaging-timer", ClusterCommunicator.TIMEOUT_TICK_MS);
        for (int lane = 0; lane < REPLY_LANES; lane++) {
            EventExecutor thread = scheduling.newSerialExecutor("messaging-replies-" + (lane + 1));
            replies[lane] = thread;
            lanes[lane] = stage -> runStage(thread, stage);
        }
    }

    /**
     * Sends a request and returns the future of its reply.
     *
     * @param stages runs the future's dependent stages; null for the replies lane of {@code to}
     */
    CompletableFuture<byte[]> send(MessageSubject subject, byte[] payload, NodeId to, Duration timeout,
            Executor stages) {
        Optional<MemberState> member = membership.state(to);
        if (member.isPresent() && !member.get().isActive()) {
            // The session would keep it until the peer is back or its linger ends; a request to a node
            // known to be down fails now, as one pending when the node goes down does (nodeVanished).
            return CompletableFuture.failedFuture(refusal(to, subject));
        }
        long id = nextRequestId.incrementAndGet();
        CompletableFuture<byte[]> future = new ReplyFuture<>(stages != null ? stages
                : lanes[Math.floorMod(to.hashCode(), REPLY_LANES)]);
        Pending request = new Pending(id, to, subject, future, timeout);
        pending.put(id, request);
        try {
            request.timer = timer.newTimeout(request, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IllegalStateException e) { // the timer is stopped: so are we
            pending.remove(id);
            return CompletableFuture.failedFuture(new MessagingException("cluster communication is stopped"));
        }
        if (!sender.send(to, subject, payload, Kind.REQUEST, id, null)) {
            if (pending.remove(id) != null) {
                request.cancelTimeout();
                future.completeExceptionally(refusal(to, subject));
            }
        }
        return future;
    }

    /**
     * Stops: fails every pending request with a {@link MessagingException} and stops the threads. Stops
     * the timer first (it waits for its thread): a request registered after the sweep then finds it
     * stopped and fails at once, instead of waiting for a timeout that will never run.
     */
    void close() {
        timer.stop();
        for (Pending request : pending.removeAll(request -> true)) {
            request.future.completeExceptionally(new MessagingException(
                    "cluster communication stopped before the reply to " + request.subject + " from "
                            + request.to + " arrived"));
        }
        // Run the stages already queued, then stop.
        for (EventExecutor lane : replies) {
            lane.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        for (EventExecutor lane : replies) {
            lane.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000);
        }
    }

    int pendingCount() {
        return pending.size();
    }

    long lateReplyCount() {
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

    /** A member went INACTIVE: its requests fail now. On the node-event thread. */
    void nodeVanished(NodeId node) {
        for (Pending request : pending.removeAll(request -> request.to.equals(node))) {
            request.cancelTimeout();
            request.future.completeExceptionally(new StreamClosedException(
                    "node " + request.to + " vanished before replying to " + request.subject));
        }
    }

    /**
     * Runs a stage of a request future on a replies lane; once that is stopped (after {@link #close()},
     * when no IO thread completes a request any more), on the thread that got to it.
     */
    private static void runStage(EventExecutor lane, Runnable stage) {
        try {
            lane.execute(stage);
        } catch (RejectedExecutionException e) {
            stage.run();
        }
    }

    /** On the IO thread that read the reply (the dispatcher's thread): parses, looks up, completes. */
    void onReply(ClusterMessage message) {
        Status status = MessageHeader.kindOf(message) == Kind.REPLY ? MessageHeader.statusOf(message) : null;
        if (status == null) {
            malformed.accept(message);
            return;
        }
        long requestId = MessageHeader.requestIdOf(message);
        Pending request = pending.removeIf(requestId, candidate -> candidate.to.equals(message.sender()));
        if (request == null) {
            lateReplies.increment();
            LOG.debug("Dropped a reply from {} to request {}: no such request pending", message.sender(), requestId);
            return;
        }
        request.cancelTimeout();
        byte[] body = message.payload();
        String where = " for " + request.subject + " at node " + request.to;
        switch (status) {
            case OK -> request.future.complete(body);
            case NO_HANDLER -> request.future.completeExceptionally(new NoRemoteHandlerException("no handler" + where));
            case HANDLER_FAILED -> request.future.completeExceptionally(new RemoteHandlerFailureException(
                    "handler" + where + " failed: " + LogText.escape(new String(body, StandardCharsets.UTF_8))));
            case OVERLOADED -> request.future.completeExceptionally(
                    new PeerOverloadedException("the handler's executor" + where + " refused the request"));
            default -> throw new IllegalStateException("unknown status " + status);
        }
    }
}
