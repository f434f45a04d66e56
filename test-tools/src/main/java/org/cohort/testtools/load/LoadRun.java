package org.cohort.testtools.load;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.cohort.testtools.send.MismatchedReplyException;
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
 * completes them. This class keeps the load's life (start, stop, end); {@link LoadPacer} paces the
 * messages, {@link SendTally} and {@link RequestTracker} count them, {@link LoadFigures} reports them.
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
                    || cause instanceof MismatchedReplyException) {
                return BAD_REPLY;
            }
            return OTHER;
        }
    }

    private final LoadSettings settings;
    private final LoadSender sender;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final byte[] padding;
    private final CountDownLatch done = new CountDownLatch(1);
    private final SendTally tally = new SendTally();
    private final RequestTracker requests;
    private final DeliveryTracker deliveries;
    private final LoadPacer pacer;
    private final LoadFigures figures;

    private volatile State state = State.STARTING;
    private volatile boolean stopRequested;
    private volatile String endReason = "";
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
        this.clock = clock;
        this.padding = settings.sizeBytes() == 0 ? null : new byte[settings.sizeBytes()];
        this.requests = new RequestTracker(settings, sender, tally, nanoTime, padding);
        this.deliveries = new DeliveryTracker(settings, sender, tally, padding);
        this.pacer = new LoadPacer(settings, nanoTime, park, () -> stopRequested, this::sendOne);
        this.figures = new LoadFigures(settings, tally, requests, deliveries, pacer);
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
            endReason = pacer.pace(startedNanos);
            sendingEndedNanos = nanoTime.getAsLong();
            sendingDone = true;
            if (settings.mode() == Mode.REQUEST && !stopRequested) {
                endReason += requests.awaitReplies();
            }
            if (settings.mode() == Mode.DELIVER && !stopRequested) {
                endReason += deliveries.awaitOutcomes();
            }
            end = stopRequested ? State.STOPPED : State.FINISHED;
        } catch (RuntimeException e) {
            endReason = "failed: " + e;
            LOG.warn("The {} load failed after {} messages", settings.mode().id(), pacer.attempted(), e);
        } finally {
            if (end == State.FAILED && endReason.isEmpty()) {
                endReason = "failed: see the log";
            }
            endedNanos = nanoTime.getAsLong();
            state = end;
            done.countDown();
        }
    }

    private void sendOne(long index) {
        List<NodeId> targets = settings.targets();
        switch (settings.mode()) {
            case UNICAST -> {
                NodeId to = targets.get((int) (index % targets.size()));
                tally.count(sender.unicast(to, TEXT, padding), to);
            }
            case BROADCAST -> tally.count(sender.broadcast(TEXT, padding), null);
            case REQUEST -> requests.request(targets.get((int) (index % targets.size())));
            case DELIVER -> deliveries.deliver(targets.get((int) (index % targets.size())));
            default -> throw new IllegalStateException("unknown mode " + settings.mode());
        }
    }

    /** @return how many failed requests of each kind, in the order of {@link Failure} */
    public Map<Failure, Long> failures() {
        return requests.failures();
    }

    /**
     * Returns every figure, for the shell and its JSON.
     *
     * @return names to numbers, strings, lists and nested maps, in a stable order
     */
    public Map<String, Object> figures() {
        long sentCount = tally.sent();
        long started = startedNanos;
        long now = nanoTime.getAsLong();
        State current = state;
        boolean running = current == State.STARTING || current == State.RUNNING;
        long elapsedNanos = current == State.STARTING ? 0 : (running ? now : endedNanos) - started;
        long sendingNanos = current == State.STARTING ? 0
                : (sendingDone ? sendingEndedNanos : running ? now : endedNanos) - started;
        return figures.figures(sentCount, new LoadFigures.Progress(current, running, endReason, startedAt,
                elapsedNanos, sendingNanos, now));
    }
}
