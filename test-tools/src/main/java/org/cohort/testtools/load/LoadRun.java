package org.cohort.testtools.load;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessagingTimeoutException;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.api.messaging.StreamClosedException;
import org.cohort.api.serialization.SerializationException;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.testtools.send.LaneSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background load: sends at a steady rate for a fixed time, and counts what happened. Framework
 * free: {@link LoadComponent} runs it on a thread of its own; tests run it with a fake clock.
 *
 * <p><b>Bounds.</b> It sends at most {@link LoadSettings#planned()} messages and ends at the latest
 * {@value #GRACE_MILLIS} ms after its duration (messages still behind schedule then are not sent and
 * counted as {@code unsent}); in request mode it then waits at most the request timeout plus
 * {@value #GRACE_MILLIS} ms for the last replies. At most {@value #MAX_IN_FLIGHT} requests wait for
 * replies at once; a request due while that many wait is skipped and counted. When it falls behind it
 * catches up in bursts of at most {@value #MAX_BURST} messages.
 *
 * <p>Figures may be read from any thread while it runs; replies are counted on the thread that
 * completes them.
 */
public final class LoadRun implements Runnable {

    /** The most requests waiting for replies at once. */
    static final int MAX_IN_FLIGHT = 10_000;
    /** The most messages sent in one go when behind schedule. */
    static final int MAX_BURST = 1_000;
    /** How late the load may end, and how much longer than the timeout it waits for the last replies. */
    static final long GRACE_MILLIS = 1_000;
    /** The longest single wait between messages, so that a stop is noticed quickly. */
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long after its timeout a request may complete and still count as on time: Cohort's timer and
     * reply thread need a moment on a loaded host. A request that completes later, or is still waiting
     * then, breaks the promise that every request completes (see {@code late} and {@code oldestPendingMs}).
     */
    public static final long LATE_MARGIN_MILLIS = 1_000;
    /** The text of every load message. */
    static final String TEXT = "load";

    private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

    /** Where a load is. */
    public enum State {
        /** Created, its thread not yet running. */
        STARTING,
        /** Sending, or waiting for the last replies. */
        RUNNING,
        /** Ended by itself: all sent, or its time is up. */
        FINISHED,
        /** Ended by a stop. */
        STOPPED,
        /** Ended by an unexpected error, logged. */
        FAILED
    }

    /** Why a request got no good reply. */
    public enum Failure {
        TIMEOUT("timeout"),
        OVERLOADED("overloaded"),
        NO_HANDLER("noHandler"),
        UNREACHABLE("unreachable"),
        STREAM_CLOSED("streamClosed"),
        REMOTE_FAILURE("remoteFailure"),
        /** The reply was not a LoadMessage, or did not answer the request. */
        BAD_REPLY("badReply"),
        /** Any other failure, e.g. Cohort's messaging stopping. */
        OTHER("other");

        private final String key;

        Failure(String key) {
            this.key = key;
        }

        /** @return its name in the figures */
        public String key() {
            return key;
        }

        /**
         * Classifies a failed request by its exception.
         *
         * @param error what the reply future failed with (a CompletionException is unwrapped)
         * @return the failure
         */
        public static Failure of(Throwable error) {
            Throwable cause = error;
            for (int depth = 0; depth < 4 && (cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null; depth++) {
                cause = cause.getCause();
            }
            if (cause instanceof MessagingTimeoutException) {
                return TIMEOUT;
            } else if (cause instanceof PeerOverloadedException) {
                return OVERLOADED;
            } else if (cause instanceof NoRemoteHandlerException) {
                return NO_HANDLER;
            } else if (cause instanceof NodeUnreachableException) {
                return UNREACHABLE;
            } else if (cause instanceof StreamClosedException) {
                return STREAM_CLOSED;
            } else if (cause instanceof RemoteHandlerFailureException) {
                return REMOTE_FAILURE;
            } else if (cause instanceof SerializationException
                    || cause instanceof LaneSender.MismatchedReplyException) {
                return BAD_REPLY;
            }
            return OTHER;
        }
    }

    private final LoadSettings settings;
    private final LoadSender sender;
    private final LongSupplier nanoTime;
    private final LongConsumer park;
    private final Clock clock;
    private final byte[] padding;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    private final LongAdder sent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder recipients = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Map<String, LongAdder> refusedByReason = new ConcurrentHashMap<>();
    private final LongAdder skippedInFlightLimit = new LongAdder();
    private final Map<NodeId, LongAdder> sentByNode = new ConcurrentHashMap<>();
    private final LongAdder replies = new LongAdder();
    private final AtomicLongArray failures = new AtomicLongArray(Failure.values().length);
    private final LatencySample latencyMicros = new LatencySample();
    /** The requests waiting for their reply: a request's number in this load to when it was sent. */
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final LongAdder late = new LongAdder();
    private final AtomicLong slowestCompletionNanos = new AtomicLong();
    private final AtomicLong overshootNanos = new AtomicLong();
    private final AtomicLong schedulingDelayNanos = new AtomicLong();
    private long requestCount;

    private volatile State state = State.STARTING;
    private volatile boolean stopRequested;
    private volatile String endReason = "";
    private volatile long attempted;
    private volatile long startedNanos;
    private volatile long sendingEndedNanos;
    private volatile boolean sendingDone;
    private volatile long endedNanos;
    private volatile Instant startedAt;

    /**
     * @param settings what to send
     * @param sender what to send through
     * @param nanoTime a monotonic clock, like {@link System#nanoTime()}
     * @param park waits about the given nanoseconds, returning early on interrupt (like
     *     {@link java.util.concurrent.locks.LockSupport#parkNanos(long)})
     * @param clock the wall clock, for the start time shown
     */
    public LoadRun(LoadSettings settings, LoadSender sender, LongSupplier nanoTime, LongConsumer park, Clock clock) {
        this.settings = settings;
        this.sender = sender;
        this.nanoTime = nanoTime;
        this.park = park;
        this.clock = clock;
        this.padding = settings.sizeBytes() == 0 ? null : new byte[settings.sizeBytes()];
    }

    /** @return the settings */
    public LoadSettings settings() {
        return settings;
    }

    /** @return where it is */
    public State state() {
        return state;
    }

    /** @return whether it has not ended yet */
    public boolean running() {
        return state == State.STARTING || state == State.RUNNING;
    }

    /** Asks it to end soon; the thread running it should also be interrupted to cut waits short. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Waits for it to end.
     *
     * @param timeoutMillis the longest wait
     * @return whether it ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitDone(long timeoutMillis) throws InterruptedException {
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        startedNanos = nanoTime.getAsLong();
        startedAt = clock.instant();
        state = State.RUNNING;
        State end = State.FAILED; // unless it gets to the end of the try block
        try {
            endReason = send();
            sendingEndedNanos = nanoTime.getAsLong();
            sendingDone = true;
            if (settings.mode() == Mode.REQUEST && !stopRequested) {
                awaitReplies();
            }
            end = stopRequested ? State.STOPPED : State.FINISHED;
        } catch (RuntimeException e) {
            endReason = "failed: " + e;
            LOG.warn("The {} load failed after {} messages", settings.mode().id(), attempted, e);
        } finally {
            if (end == State.FAILED && endReason.isEmpty()) {
                endReason = "failed: see the log";
            }
            endedNanos = nanoTime.getAsLong();
            state = end;
            done.countDown();
        }
    }

    /** The send loop; returns why it ended. */
    private String send() {
        long start = startedNanos;
        long planned = settings.planned();
        double intervalNanos = 1e9 / settings.rate();
        long deadline = start + TimeUnit.SECONDS.toNanos(settings.durationSeconds())
                + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        long next = 0;
        while (true) {
            if (stopRequested) {
                return "stopped";
            }
            if (next >= planned) {
                return "all sent";
            }
            long now = nanoTime.getAsLong();
            if (now - deadline >= 0) {
                return "time up, " + (planned - next) + " behind schedule";
            }
            long wait = start + (long) (next * intervalNanos) - now;
            if (wait > 0) {
                long parkNanos = Math.min(wait, MAX_PARK_NANOS);
                park.accept(parkNanos);
                // How much later than asked the thread ran again: what the host's scheduler and the JVM's
                // pauses (GC, safepoints, SIGSTOP) cost every thread of this node at that moment.
                schedulingDelayNanos.accumulateAndGet(nanoTime.getAsLong() - now - parkNanos, Math::max);
                continue;
            }
            // Catch up with every message due by now, a burst at a time, never past the deadline.
            for (int burst = 0; burst < MAX_BURST && next < planned && !stopRequested
                    && start + (long) (next * intervalNanos) - now <= 0 && now - deadline < 0; burst++) {
                sendOne(next++);
                attempted = next;
                now = nanoTime.getAsLong();
            }
        }
    }

    private void sendOne(long index) {
        List<NodeId> targets = settings.targets();
        switch (settings.mode()) {
            case UNICAST -> {
                NodeId to = targets.get((int) (index % targets.size()));
                count(sender.unicast(to, TEXT, padding), to);
            }
            case BROADCAST -> count(sender.broadcast(TEXT, padding), null);
            case REQUEST -> request(targets.get((int) (index % targets.size())));
            default -> throw new IllegalStateException("unknown mode " + settings.mode());
        }
    }

    private void count(LaneSender.Outcome outcome, NodeId to) {
        if (outcome.sent()) {
            sent.increment();
            bytesSent.add(outcome.bytes());
            if (to != null) {
                sentByNode.computeIfAbsent(to, node -> new LongAdder()).increment();
            } else {
                recipients.add(outcome.to().size());
            }
        } else {
            refused.increment();
            refusedByReason.computeIfAbsent(outcome.refusal().name(), reason -> new LongAdder()).increment();
        }
    }

    private void request(NodeId to) {
        if (!inFlight.tryAcquire()) {
            skippedInFlightLimit.increment();
            return;
        }
        long sentAt = nanoTime.getAsLong();
        Optional<LaneSender.Request> request;
        try {
            request = sender.request(to, TEXT, padding, settings.timeout());
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        if (request.isEmpty()) {
            inFlight.release();
            refused.increment();
            refusedByReason.computeIfAbsent(LaneSender.Refusal.NOT_SERIALIZABLE.name(), reason -> new LongAdder())
                    .increment();
            return;
        }
        sent.increment();
        bytesSent.add(request.get().bytes());
        sentByNode.computeIfAbsent(to, node -> new LongAdder()).increment();
        long number = requestCount++;
        pending.put(number, sentAt);
        long lateNanos = settings.timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(LATE_MARGIN_MILLIS);
        request.get().reply().whenComplete((reply, error) -> {
            try {
                pending.remove(number);
                long took = nanoTime.getAsLong() - sentAt;
                slowestCompletionNanos.accumulateAndGet(took, Math::max);
                overshootNanos.accumulateAndGet(took - settings.timeout().toNanos(), Math::max);
                if (took > lateNanos) {
                    late.increment();
                }
                if (error == null) {
                    replies.increment();
                    latencyMicros.record((nanoTime.getAsLong() - sentAt) / 1_000);
                } else {
                    failures.incrementAndGet(Failure.of(error).ordinal());
                }
            } finally {
                inFlight.release();
            }
        });
    }

    /** Waits for the requests still out, at most the timeout plus the grace; a stop cuts it short. */
    private void awaitReplies() {
        long waitMillis = settings.timeout().toMillis() + GRACE_MILLIS;
        try {
            if (inFlight.tryAcquire(MAX_IN_FLIGHT, waitMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(MAX_IN_FLIGHT);
            } else {
                endReason += "; " + (MAX_IN_FLIGHT - inFlight.availablePermits()) + " replies still out after "
                        + waitMillis + " ms";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return how many failed requests of each kind, in the order of {@link Failure} */
    public Map<Failure, Long> failures() {
        Map<Failure, Long> byType = new LinkedHashMap<>();
        for (Failure failure : Failure.values()) {
            byType.put(failure, failures.get(failure.ordinal()));
        }
        return byType;
    }

    /**
     * Returns every figure, for the shell and its JSON.
     *
     * @return names to numbers, strings, lists and nested maps, in a stable order
     */
    public Map<String, Object> figures() {
        Mode mode = settings.mode();
        long planned = settings.planned();
        long sentCount = sent.sum();
        long refusedCount = refused.sum();
        long skipped = skippedInFlightLimit.sum();
        long started = startedNanos;
        long now = nanoTime.getAsLong();
        long elapsedNanos = state == State.STARTING ? 0 : (running() ? now : endedNanos) - started;
        long sendingNanos = state == State.STARTING ? 0
                : (sendingDone ? sendingEndedNanos : running() ? now : endedNanos) - started;

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mode", mode.id());
        figures.put("running", running());
        figures.put("state", state.name());
        figures.put("endReason", endReason);
        figures.put("targets", settings.targets().stream().map(NodeId::id).toList());
        figures.put("rate", settings.rate());
        figures.put("durationSeconds", settings.durationSeconds());
        figures.put("sizeBytes", settings.sizeBytes());
        if (mode == Mode.REQUEST) {
            figures.put("timeoutMs", settings.timeout().toMillis());
        }
        figures.put("startedAt", startedAt == null ? null : startedAt.toString());
        figures.put("elapsedMs", TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
        figures.put("planned", planned);
        figures.put("sent", sentCount);
        figures.put("refused", refusedCount);
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (LaneSender.Refusal refusal : LaneSender.Refusal.values()) {
            LongAdder count = refusedByReason.get(refusal.name());
            if (count != null) {
                byReason.put(refusal.name(), count.sum());
            }
        }
        figures.put("refusedByReason", byReason);
        // Not yet due while running; afterwards behind schedule at the deadline, or cut by a stop.
        figures.put("unsent", planned - attempted);
        figures.put("bytesSent", bytesSent.sum());
        // Over the sending time only: the wait for the last replies does not count.
        figures.put("sentPerSecond", sendingNanos <= 0 ? 0 : Math.round(sentCount * 1e9 / sendingNanos));
        // The longest the load thread ran late after a wait: the node's own scheduling delay, which bounds
        // how punctual anything on this node (timers, reply callbacks) could have been.
        figures.put("maxSchedulingDelayMs", TimeUnit.NANOSECONDS.toMillis(schedulingDelayNanos.get()));
        if (mode == Mode.BROADCAST) {
            figures.put("recipients", recipients.sum());
        } else {
            Map<String, Long> byNode = new LinkedHashMap<>();
            for (NodeId target : settings.targets()) {
                LongAdder count = sentByNode.get(target);
                byNode.putIfAbsent(target.id(), count == null ? 0 : count.sum());
            }
            figures.put("sentByNode", byNode);
        }
        if (mode == Mode.REQUEST) {
            long failed = 0;
            Map<String, Long> byType = new LinkedHashMap<>();
            for (Map.Entry<Failure, Long> entry : failures().entrySet()) {
                byType.put(entry.getKey().key(), entry.getValue());
                failed += entry.getValue();
            }
            long replyCount = replies.sum();
            figures.put("skippedInFlightLimit", skipped);
            figures.put("replies", replyCount);
            figures.put("failures", failed);
            figures.put("failuresByType", byType);
            figures.put("inFlight", sentCount - replyCount - failed);
            // The promise that every request completes, with a reply or a failure, within its timeout
            // plus LATE_MARGIN_MILLIS: what is still waiting, for how long, and what completed late.
            long oldestSent = pending.values().stream().mapToLong(Long::longValue).reduce(now,
                    (a, b) -> a - b <= 0 ? a : b);
            figures.put("pending", pending.size());
            figures.put("oldestPendingMs", TimeUnit.NANOSECONDS.toMillis(now - oldestSent));
            figures.put("late", late.sum());
            figures.put("lateMarginMs", LATE_MARGIN_MILLIS);
            figures.put("slowestCompletionMs", TimeUnit.NANOSECONDS.toMillis(slowestCompletionNanos.get()));
            // How far past its timeout the latest request completed (0: none after its timeout).
            figures.put("maxOvershootMs", TimeUnit.NANOSECONDS.toMillis(overshootNanos.get()));
            LatencySample.Summary latency = latencyMicros.summary();
            Map<String, Object> rtt = new LinkedHashMap<>();
            rtt.put("count", latency == null ? 0 : latency.count());
            if (latency != null) {
                rtt.put("min", latency.min());
                rtt.put("avg", latency.avg());
                rtt.put("p50", latency.p50());
                rtt.put("p99", latency.p99());
                rtt.put("max", latency.max());
            }
            figures.put("latencyMicros", rtt);
        }
        return figures;
    }
}
