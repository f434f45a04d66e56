package org.cohort.core.messaging;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;

/** Core's internal face of cluster messaging: subscribe to subjects, reach the sender, read counters. */
public interface ClusterMessaging {

    /**
     * Subscribes a handler to a subject; every message arriving under it is run through the handler
     * on the given executor, never on the IO thread that received it.
     *
     * @param subject the subject
     * @param handler handles each message; what it throws is logged and counted
     * @param executor runs the handler; a single-thread executor keeps the messages of the subject in
     *     the order they arrived. It stays the caller's to shut down.
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a handler
     */
    Subscription subscribe(MessageSubject subject, Consumer<ClusterMessage> handler, Executor executor);

    /**
     * Adds a listener told of every incoming message that reaches no handler; see
     * {@link SubjectDispatcher#addUndeliveredListener}. It may run on an IO thread: quick, no blocking.
     *
     * @param listener the listener
     */
    void addUndeliveredListener(BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> listener);

    /**
     * Removes a listener added before; does nothing if it is not there.
     *
     * @param listener the listener
     */
    void removeUndeliveredListener(BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> listener);

    /**
     * Returns the sender the connection manager handed over, while it is running.
     *
     * @return the sender, or empty when there is none
     */
    Optional<MessageSender> sender();

    /**
     * Returns a snapshot of the dispatch counters.
     *
     * @return the counters
     */
    DispatchCounters counters();

    /**
     * Returns every subject with a local subscriber, with its backlog and counters; see
     * {@link SubjectDispatcher#subjects()}.
     *
     * @return one entry per subject, sorted by subject
     */
    List<SubjectStats> subjects();
}
