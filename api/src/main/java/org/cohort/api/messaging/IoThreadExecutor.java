package org.cohort.api.messaging;

import java.util.concurrent.Executor;

/**
 * The opt-in to run code on the IO thread that read the message, with no thread hop: give
 * {@link ClusterCommunicationService#IO_THREAD} as a subscriber's executor (the decoder, the handler and
 * a reply's encoder run there) or as the executor of a request's reply (the future's dependent stages run
 * there). It is for code that never blocks and returns in microseconds: while it runs, every other stream
 * of that IO thread waits, heartbeats included, and a handler that blocks for longer than the failure
 * detector's patience gets its peers' streams closed. Cohort logs a warning and counts it
 * ({@code cluster:subjects}) when a handler holds the IO thread for more than
 * {@value #SLOW_HANDLER_MILLIS} ms.
 *
 * <p>A handler subscribed with it runs as each message is read: one sender's messages in the order they
 * were sent (a stream is served by one IO thread), different senders' possibly at the same time on
 * different IO threads, so it must be thread-safe, as for a multi-threaded executor. Called from any
 * other thread, it runs the task on the calling thread.
 */
public enum IoThreadExecutor implements Executor {
    /** The only instance. */
    INSTANCE;

    /** How long a handler may hold the IO thread before Cohort warns that it should not run there. */
    public static final long SLOW_HANDLER_MILLIS = 10;

    @Override
    public void execute(Runnable task) {
        task.run();
    }
}
