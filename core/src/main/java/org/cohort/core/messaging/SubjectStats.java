package org.cohort.core.messaging;

import java.util.Objects;
import org.cohort.api.messaging.MessageSubject;

/**
 * A snapshot of one subject that has a local subscriber. The counters belong to the subscription: they
 * start at 0 when the subject is subscribed and go when it is unsubscribed.
 *
 * @param subject the subject
 * @param queuedMessages messages handed to the subscriber's executor and not yet handled
 * @param queuedBytes the payload bytes of those messages
 * @param maxQueuedMessages the most messages that may be queued before further ones are refused
 * @param maxQueuedBytes the most payload bytes that may be queued before further messages are refused
 * @param delivered messages the subscriber handled and returned from normally
 * @param rejected messages refused: the backlog was full or the executor refused them
 * @param handlerFailed messages on which the subscriber threw
 * @param slowOnIoThread messages whose handler, subscribed to run on the IO thread
 *     ({@link org.cohort.api.messaging.ClusterCommunicationService#IO_THREAD}), held it longer than
 *     {@value org.cohort.api.messaging.IoThreadExecutor#SLOW_HANDLER_MILLIS} ms
 */
public record SubjectStats(MessageSubject subject, int queuedMessages, long queuedBytes, int maxQueuedMessages,
        long maxQueuedBytes, long delivered, long rejected, long handlerFailed, long slowOnIoThread) {

    public SubjectStats {
        Objects.requireNonNull(subject, "subject");
    }
}
