package org.cohort.core.messaging;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.runtime.Scheduling;

/**
 * One {@link MessageHandler} subscribed to a subject on a serial executor of its own (in production a
 * thread, {@code cohort-handler}), so
 * that its messages are handled one at a time in arrival order, each with its sender
 * ({@link MessageHandler#handle(org.cohort.api.cluster.NodeId, byte[])}); its return value is the reply,
 * null an empty one. What the whiteboard does for a handler service, and what an embedder's
 * {@code addHandler} does. Closing it unsubscribes and stops the thread.
 */
public final class HandlerSubscription implements Subscription {

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final Subscription subscription;
    private final EventExecutor executor;

    private HandlerSubscription(Subscription subscription, EventExecutor executor) {
        this.subscription = subscription;
        this.executor = executor;
    }

    /**
     * @throws IllegalArgumentException as {@link ClusterCommunicationService#addSubscriber} does (the
     *     subject is taken, or reserved); no thread is left running then
     */
    public static HandlerSubscription subscribe(ClusterCommunicationService messaging, MessageSubject subject,
            MessageHandler handler, Scheduling scheduling) {
        return subscribe(messaging, subject, handler, scheduling, "handler");
    }

    /** The same, on an executor of the given name ({@code cohort-<name>} in production). */
    public static HandlerSubscription subscribe(ClusterCommunicationService messaging, MessageSubject subject,
            MessageHandler handler, Scheduling scheduling, String executorName) {
        EventExecutor executor = scheduling.newSerialExecutor(executorName);
        try {
            Subscription subscription = messaging.addSubscriberWithSender(subject, Function.<byte[]>identity(),
                    handler::handle, (byte[] reply) -> reply == null ? new byte[0] : reply, executor);
            return new HandlerSubscription(subscription, executor);
        } catch (RuntimeException e) {
            executor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public MessageSubject subject() {
        return subscription.subject();
    }

    /** Unsubscribes, then waits a bounded time for a handler call still running. */
    @Override
    public void close() {
        subscription.close();
        executor.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
    }
}
