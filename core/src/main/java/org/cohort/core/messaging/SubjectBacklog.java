package org.cohort.core.messaging;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.IoThreadExecutor;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.CreditAccount;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subject's subscription in a {@link SubjectDispatcher}: its handler and executor, and its bounded
 * backlog of messages handed to the executor and not yet handled. Messages wait on a lock-free stack;
 * the push onto an empty stack hands the executor one drain, which runs every message waiting by then,
 * oldest first. A push is a chain: one message, or all of a subject's messages from one read of a
 * stream ({@link ReadHandoff}). Logs under the dispatcher's name, whose story this is a part of.
 */
final class SubjectBacklog implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(SubjectDispatcher.class);

    /** What a backlog reports to its dispatcher. */
    interface Outcomes {
        /** A message was handled. */
        void handled();

        /** The handler failed on a message. */
        void failed();

        /** A message was refused: the backlog was full or the executor refused it. */
        void refused(ClusterMessage message);

        /** The subscription closed; true if it was still the subject's. */
        boolean closed(SubjectBacklog backlog);
    }

    /** A message on a subject's waiting stack, or in a {@link ReadHandoff}'s chain for the subject. */
    static final class Waiting {
        final ClusterMessage message;
        final Consumption consumption;
        /** What a refusal at a batch's hand-off gives back to {@link #consumption}. */
        final long token;
        Waiting next;

        Waiting(ClusterMessage message, Consumption consumption, long token) {
            this.message = message;
            this.consumption = consumption;
            this.token = token;
        }
    }

    /** The most messages whose release a drain tells at once. */
    static final int RELEASE_RUN = 256;

    final MessageSubject subject;
    final Consumer<ClusterMessage> handler;
    final Executor executor;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final Outcomes outcomes;
    private final LongSupplier nanoTime;
    private final LogThrottle rejectionWarnings;
    private final LogThrottle failureWarnings;
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final LongAdder handled = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder slowOnIoThread = new LongAdder();
    /**
     * The handler runs on the IO thread that read the message, at once and with no backlog (see
     * {@link #runNow}): its time there is watched.
     */
    final boolean onIoThread;
    private final LogThrottle slowWarnings;
    /** Messages reserved and not yet taken by a drain, newest first; null when none. */
    private final AtomicReference<Waiting> waiting = new AtomicReference<>();
    final Runnable drain = this::drain;
    private volatile boolean open = true;

    SubjectBacklog(MessageSubject subject, Consumer<ClusterMessage> handler, Executor executor,
            int maxQueuedMessages, long maxQueuedBytes, Outcomes outcomes, LongSupplier nanoTime,
            LogThrottle rejectionWarnings) {
        this.subject = subject;
        this.handler = handler;
        this.executor = executor;
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.outcomes = outcomes;
        this.nanoTime = nanoTime;
        this.rejectionWarnings = rejectionWarnings;
        // As often as refusals: a handler that throws on every message must not flood the log either.
        this.failureWarnings = new LogThrottle(rejectionWarnings.intervalNanos(), nanoTime.getAsLong());
        this.slowWarnings = new LogThrottle(rejectionWarnings.intervalNanos(), nanoTime.getAsLong());
        this.onIoThread = executor == IoThreadExecutor.INSTANCE;
    }

    /**
     * Puts a chain of reserved messages (newest first, {@code oldest} its last link) on the waiting stack,
     * and hands the executor a drain if the stack was empty: every chain put there until that drain runs
     * rides on it. If the executor refuses, each message of the chain is refused and leaves the backlog;
     * for a chain from a batch ({@code atBatchHandOff}), whose messages were said to be accepted, each
     * one's consumption is told ({@link Consumption#refused}).
     *
     * <p>Locked, so that no other thread's chain joins the stack between this push and the executor's
     * answer: a refusal then concerns this chain alone, whose senders have not been told anything yet.
     * A drain takes the stack without the lock.
     *
     * @return false if the executor refused the chain
     */
    synchronized boolean handOff(Waiting newest, Waiting oldest, boolean atBatchHandOff) {
        Waiting head;
        do {
            head = waiting.get();
            oldest.next = head;
        } while (!waiting.compareAndSet(head, newest));
        if (head != null) {
            return true; // a drain is due already and will take it
        }
        try {
            executor.execute(drain);
            return true;
        } catch (RuntimeException e) {
            // The stack was empty before this chain and no drain was handed since: it holds this chain only.
            for (Waiting refused = oldestFirst(waiting.getAndSet(null)); refused != null; refused = refused.next) {
                unreserve(refused.message);
                refuse(refused.message, e);
                if (atBatchHandOff) {
                    refused.consumption.refused(refused.message, refused.token);
                }
            }
            return false;
        }
    }

    /**
     * On the executor: runs every message waiting now, oldest first. What it is done with leaves the
     * backlog, and its credit goes back, in runs of one credit account's messages, at most
     * {@value #RELEASE_RUN} at a time so that credit keeps flowing back during a long drain (a few atomic
     * updates per run instead of per message); anything else message by message. What arrives
     * meanwhile is a new burst with a drain of its own, after this one on a single-thread executor
     * (order kept), possibly beside it on a pool (as the API allows).
     */
    void drain() {
        Waiting message = oldestFirst(waiting.getAndSet(null));
        // The run of one credit account's messages done so far, told at once (see RELEASE_RUN).
        CreditAccount account = null;
        int messages = 0;
        long bytes = 0;
        try {
            for (; message != null; message = message.next) {
                try {
                    run(message.message);
                } finally {
                    int size = message.message.payload().length;
                    if (message.consumption instanceof CreditAccount counted) {
                        if (counted != account || messages == RELEASE_RUN) {
                            release(account, messages, bytes);
                            account = counted;
                            messages = 0;
                            bytes = 0;
                        }
                        messages++;
                        bytes += size;
                    } else {
                        release(message);
                    }
                }
            }
        } finally {
            release(account, messages, bytes);
            for (message = message == null ? null : message.next; message != null; message = message.next) {
                release(message); // only after an error that run() lets through
            }
        }
    }

    /** A run of one credit account's messages is done: out of the backlog, their credit back at once. */
    private void release(CreditAccount account, int messages, long bytes) {
        if (messages > 0) {
            unreserve(messages, bytes);
            account.consumed(messages, bytes);
        }
    }

    /** Refuses one message: the backlog is full ({@code e} null) or the executor refused it. */
    void refuse(ClusterMessage message, RuntimeException e) {
        refused.increment();
        warnRejected(message, e);
        outcomes.refused(message);
    }

    private static Waiting oldestFirst(Waiting newestFirst) {
        Waiting reversed = null;
        while (newestFirst != null) {
            Waiting next = newestFirst.next;
            newestFirst.next = reversed;
            reversed = newestFirst;
            newestFirst = next;
        }
        return reversed;
    }

    /**
     * For a handler on the IO thread: runs the message now, on the calling thread, and lets it go. Each
     * sender's messages come on one stream, served by one IO thread, so they run in order; different
     * senders' may run at once on different IO threads.
     */
    void runNow(ClusterMessage message, Consumption consumption) {
        long start = nanoTime.getAsLong();
        try {
            run(message);
        } finally {
            consumption.consumed(message);
            watchIoThread(message, nanoTime.getAsLong() - start);
        }
    }

    /**
     * Counts the message into this subject's backlog, unless that would exceed a bound. A message its
     * sender had credit for is always counted in: the credit the receiver granted bounds it.
     */
    boolean reserve(ClusterMessage message, boolean credited) {
        int bytes = message.payload().length;
        if ((queuedMessages.incrementAndGet() > maxQueuedMessages
                | queuedBytes.addAndGet(bytes) > maxQueuedBytes) && !credited) {
            unreserve(message);
            return false;
        }
        return true;
    }

    /** Counts a read's credited messages of this subject into the backlog at once (their credit bounds them). */
    void reserveCredited(int messages, long bytes) {
        queuedMessages.addAndGet(messages);
        queuedBytes.addAndGet(bytes);
    }

    private void unreserve(ClusterMessage message) {
        unreserve(1, message.payload().length);
    }

    private void unreserve(int messages, long bytes) {
        queuedMessages.addAndGet(-messages);
        queuedBytes.addAndGet(-bytes);
    }

    /** The executor is done with the message: out of the backlog, and its sender's credit returns. */
    private void release(Waiting waiting) {
        unreserve(waiting.message);
        waiting.consumption.consumed(waiting.message);
    }

    /**
     * Runs on the executor. A message accepted before the subscription closed still runs: it was handed
     * to the subscriber's executor, and its sender was told it was accepted (a whiteboard handler whose
     * bundle stops lets its executor finish what it holds; new messages find no handler).
     */
    void run(ClusterMessage message) {
        try {
            handler.accept(message);
            outcomes.handled();
            handled.increment();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            outcomes.failed();
            failed.increment();
            long heldBack = failureWarnings.tryAcquire(nanoTime.getAsLong());
            if (heldBack != LogThrottle.SUPPRESSED) {
                LOG.warn("Handler for message subject {} failed on a message from {} ({} more since the last "
                        + "warning; this warning repeats at most once a minute)", subject, message.sender(),
                        heldBack, e);
            }
        }
    }

    /** A handler subscribed to run on the IO thread must not hold it: every stream of that thread waits. */
    private void watchIoThread(ClusterMessage message, long tookNanos) {
        if (tookNanos <= TimeUnit.MILLISECONDS.toNanos(IoThreadExecutor.SLOW_HANDLER_MILLIS)) {
            return;
        }
        slowOnIoThread.increment();
        long heldBack = slowWarnings.tryAcquire(nanoTime.getAsLong());
        if (heldBack != LogThrottle.SUPPRESSED) {
            LOG.warn("Handler for message subject {} held the IO thread for {} ms on a message from {} ({} more "
                    + "since the last warning): it was subscribed with IO_THREAD, for handlers that never block; "
                    + "meanwhile the thread's streams and heartbeats waited. Give it an executor of its own. This "
                    + "warning repeats at most once a minute", subject, TimeUnit.NANOSECONDS.toMillis(tookNanos),
                    message.sender(), heldBack);
        }
    }

    private void warnRejected(ClusterMessage message, RuntimeException e) {
        long heldBack = rejectionWarnings.tryAcquire(nanoTime.getAsLong());
        if (heldBack == LogThrottle.SUPPRESSED) {
            return;
        }
        String more = heldBack == 0 ? "" : " (" + heldBack + " more refused since the last warning)";
        if (e == null) {
            LOG.warn("Dropped a message on subject {} from {}: its handler is {} messages / {} bytes behind, "
                    + "the most allowed{}; this warning repeats at most once a minute", subject, message.sender(),
                    queuedMessages.get(), queuedBytes.get(), more);
        } else if (e instanceof RejectedExecutionException) {
            LOG.warn("Dropped a message on subject {} from {}: the handler's executor refused it{}; "
                    + "this warning repeats at most once a minute", subject, message.sender(), more);
        } else {
            LOG.warn("Dropped a message on subject {} from {}: the handler's executor failed{}; "
                    + "this warning repeats at most once a minute", subject, message.sender(), more, e);
        }
    }

    SubjectStats stats() {
        return new SubjectStats(subject, queuedMessages.get(), queuedBytes.get(), maxQueuedMessages,
                maxQueuedBytes, handled.sum(), refused.sum(), failed.sum(), slowOnIoThread.sum());
    }

    @Override
    public MessageSubject subject() {
        return subject;
    }

    /** Whether the subscription is still open (once closed, its subject has no handler or another one). */
    boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            if (outcomes.closed(this)) {
                LOG.debug("Unsubscribed {} from message subject {}", handler, subject);
            }
        }
    }

    @Override
    public String toString() {
        return "Subscription{subject=" + subject + ", handler=" + handler + (open ? "" : ", closed") + "}";
    }
}
