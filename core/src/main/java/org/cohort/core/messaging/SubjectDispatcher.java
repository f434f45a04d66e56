package org.cohort.core.messaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.CreditAccount;
import org.cohort.core.delivery.Intake;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each incoming message to the one handler subscribed to its subject, on that handler's
 * executor. Thread-safe; {@link #dispatch} never runs a handler on the calling thread and never throws
 * because of a handler or its executor, as its caller is an IO worker.
 *
 * <p>Messages of one subject are handed to its executor in bursts: {@link #dispatch} pushes each onto the
 * subject's waiting stack, and only the push onto an empty stack hands the executor a task, which runs
 * every message waiting by the time it starts, in the order {@link #dispatch} was called. A single-thread
 * executor therefore runs them in that order, and a burst of messages costs one task and one wake-up of
 * the executor's thread, not one per message; a pool may run two bursts side by side. A stream's reader
 * goes further with a {@link #newBatch batch}: a subject's messages of one read are pushed as one chain
 * when the read is done, so that a handler that keeps up is woken once per read, not once per message.
 *
 * <p>Each subject's backlog (handed to its executor and not yet handled) is bounded in messages and in
 * payload bytes: a slow handler makes its own subject refuse work, counted as rejected (a request then
 * gets "overloaded"), instead of growing memory without end or slowing the stream's reader.
 */
public final class SubjectDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(SubjectDispatcher.class);

    /** The shortest time between two warnings about one subject's executor refusing messages. */
    static final long REJECTION_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Default bound of one subject's backlog, in messages. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 10_000;
    /** Default bound of one subject's backlog, in payload bytes. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    private final LongSupplier nanoTime;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final ConcurrentHashMap<MessageSubject, SubjectBacklog> handlers = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder noHandler = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder handlerFailed = new LongAdder();
    private final List<BiConsumer<ClusterMessage, Undelivered>> undeliveredListeners = new CopyOnWriteArrayList<>();

    /** Why a message reached no handler. */
    public enum Undelivered {
        /** No handler was subscribed to its subject, or it unsubscribed before the message ran. */
        NO_HANDLER,
        /** The handler's executor refused the message. */
        REJECTED
    }

    /** Creates a dispatcher that reads the system's clock (tests and tools; a node gives its own). */
    public SubjectDispatcher() {
        this(NodeClock.SYSTEM::nanoTime);
    }

    /**
     * Creates a dispatcher.
     *
     * @param nanoTime a monotonic time source in nanoseconds, like {@link System#nanoTime()}; it paces
     *     the warnings about refused messages
     */
    public SubjectDispatcher(LongSupplier nanoTime) {
        this(nanoTime, DEFAULT_MAX_QUEUED_MESSAGES, DEFAULT_MAX_QUEUED_BYTES);
    }

    /**
     * Creates a dispatcher with explicit backlog bounds.
     *
     * @param nanoTime a monotonic time source in nanoseconds
     * @param maxQueuedMessages the most messages one subject may have waiting for its handler
     * @param maxQueuedBytes the most payload bytes one subject may have waiting for its handler
     */
    public SubjectDispatcher(LongSupplier nanoTime, int maxQueuedMessages, long maxQueuedBytes) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (maxQueuedMessages < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("backlog bounds must be positive");
        }
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /**
     * Subscribes a handler to a subject; see {@link ClusterMessaging#subscribe}.
     *
     * @param subject the subject
     * @param handler handles each message
     * @param executor runs the handler; it stays the caller's to shut down
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a handler
     */
    public Subscription subscribe(MessageSubject subject, Consumer<ClusterMessage> handler, Executor executor) {
        SubjectBacklog added = new SubjectBacklog(
                Objects.requireNonNull(subject, "subject"),
                Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(executor, "executor"),
                maxQueuedMessages, maxQueuedBytes, outcomes, nanoTime,
                new LogThrottle(REJECTION_WARNING_INTERVAL_NANOS, nanoTime.getAsLong()));
        SubjectBacklog existing = handlers.putIfAbsent(subject, added);
        if (existing != null) {
            throw new IllegalStateException("message subject " + subject + " already has a handler ("
                    + existing.handler + "); close its subscription first");
        }
        LOG.debug("Subscribed {} to message subject {}", handler, subject);
        return added;
    }

    /**
     * Tells whether a handler is subscribed to a subject now (what lets {@link CommunicationsComponent}
     * hand an unclaimed subject to its fallback delegate).
     *
     * @param subject the subject
     * @return true if a handler is subscribed to it
     */
    public boolean hasSubscriber(MessageSubject subject) {
        return handlers.containsKey(subject);
    }

    /**
     * Hands one message to the handler of its subject, on the handler's executor.
     *
     * @param message the message
     */
    public void dispatch(ClusterMessage message) {
        accept(message, Consumption.NONE);
    }

    /**
     * Hands one message to the handler of its subject, on the handler's executor, and says what became
     * of it. A message with a {@code consumption} other than {@link Consumption#NONE} came with its
     * sender's credit, which bounds the subject's backlog instead of the dispatcher's own bounds.
     *
     * @param message the message
     * @param consumption told once the handler's executor is done with an accepted message
     * @return ACCEPTED, NO_HANDLER, or REFUSED (a full backlog, or the executor refused it)
     */
    public Acceptance accept(ClusterMessage message, Consumption consumption) {
        Objects.requireNonNull(message, "message");
        SubjectBacklog handler = handlers.get(message.subject());
        Acceptance settled = settleOnArrival(handler, message, consumption, false);
        if (settled != null) {
            return settled;
        }
        SubjectBacklog.Waiting waiting = new SubjectBacklog.Waiting(message, consumption, 0);
        return handler.handOff(waiting, waiting, false) ? Acceptance.ACCEPTED : Acceptance.REFUSED;
    }

    /**
     * Opens a batch that hands each subject's messages of one read to the subject's executor at once,
     * when the read is done (see {@link ReadHandoff}).
     *
     * @return a batch, for one thread at a time
     */
    public Intake.Batch newBatch() {
        return new ReadHandoff(this);
    }

    /** The subscription of a subject, or null. */
    SubjectBacklog backlogOf(MessageSubject subject) {
        return handlers.get(subject);
    }

    /**
     * What is settled the moment a message arrives: it has no handler, or its handler runs on the IO
     * thread (and ran now), or its subject's backlog is full. Null if none of these: the message is
     * counted into the backlog and waits to be handed to the executor; with {@code countsLater}, a
     * message on a {@link CreditAccount} is left for the caller to count (it always fits: its credit
     * bounds it).
     */
    Acceptance settleOnArrival(SubjectBacklog handler, ClusterMessage message, Consumption consumption,
            boolean countsLater) {
        if (handler == null) {
            countNoHandler(message);
            return Acceptance.NO_HANDLER;
        }
        if (handler.onIoThread) {
            // Now, on this thread: a stream lives on one IO thread, so each sender's messages run in order.
            // Through the waiting stack, several IO threads would share one subject's drains, and one
            // thread's drain could overtake another's with the same sender's messages.
            handler.runNow(message, consumption);
            return Acceptance.ACCEPTED;
        }
        if (consumption instanceof CreditAccount && countsLater) {
            return null; // always counted in: the caller counts a run of them at once
        }
        if (!handler.reserve(message, consumption != Consumption.NONE)) {
            handler.refuse(message, null);
            return Acceptance.REFUSED;
        }
        return null;
    }

    /**
     * Adds a listener told of every message that reaches no handler, so that its owner can answer the
     * sender (core's request/reply layer replies "no handler" or "overloaded"). It is called on the
     * thread that dispatched the message, often an IO worker, so it must be quick and must not block;
     * what it throws is logged.
     *
     * @param listener the listener
     */
    public void addUndeliveredListener(BiConsumer<ClusterMessage, Undelivered> listener) {
        undeliveredListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener added before; does nothing if it is not there.
     *
     * @param listener the listener
     */
    public void removeUndeliveredListener(BiConsumer<ClusterMessage, Undelivered> listener) {
        undeliveredListeners.remove(listener);
    }

    private void notifyUndelivered(ClusterMessage message, Undelivered reason) {
        for (BiConsumer<ClusterMessage, Undelivered> listener : undeliveredListeners) {
            try {
                listener.accept(message, reason);
            } catch (RuntimeException e) {
                LOG.warn("Undelivered-message listener {} failed on a message on subject {} from {}",
                        listener, message.subject(), message.sender(), e);
            }
        }
    }

    /** Closes every subscription; later messages count as having no handler. */
    public void unsubscribeAll() {
        for (SubjectBacklog handler : List.copyOf(handlers.values())) {
            handler.close();
        }
    }

    /**
     * Returns a snapshot of the counters.
     *
     * @return the counters
     */
    public DispatchCounters counters() {
        return new DispatchCounters(delivered.sum(), noHandler.sum(), rejected.sum(), handlerFailed.sum());
    }

    /**
     * Returns a snapshot of every subscribed subject: its backlog, its bounds and its counters.
     *
     * @return one entry per subject, sorted by subject
     */
    public List<SubjectStats> subjects() {
        List<SubjectStats> subjects = new ArrayList<>();
        for (SubjectBacklog handler : handlers.values()) {
            subjects.add(handler.stats());
        }
        subjects.sort(Comparator.comparing(stats -> stats.subject().value()));
        return subjects;
    }

    /** What the subjects' backlogs tell the dispatcher: counted here, reported to the listeners. */
    private final SubjectBacklog.Outcomes outcomes = new SubjectBacklog.Outcomes() {
        @Override
        public void handled() {
            delivered.increment();
        }

        @Override
        public void failed() {
            handlerFailed.increment();
        }

        @Override
        public void refused(ClusterMessage message) {
            rejected.increment();
            notifyUndelivered(message, Undelivered.REJECTED);
        }

        @Override
        public boolean closed(SubjectBacklog backlog) {
            return handlers.remove(backlog.subject(), backlog);
        }
    };

    private void countNoHandler(ClusterMessage message) {
        noHandler.increment();
        LOG.debug("Dropped a message on subject {} from {}: no handler", message.subject(), message.sender());
        notifyUndelivered(message, Undelivered.NO_HANDLER);
    }
}
