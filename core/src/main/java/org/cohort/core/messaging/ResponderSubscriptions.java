package org.cohort.core.messaging;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;

/**
 * The subscribers a {@link ClusterCommunicator} added: each runs through its {@link Responder}, which
 * tells it the sender and answers requests, and each is closed with the communicator. Every
 * {@code addSubscriber} form of the API comes down to {@link #add}'s one, with the sender.
 */
final class ResponderSubscriptions {

    private final ClusterMessaging messaging;
    private final Responder responder;
    private final MessageSubject reserved;
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

    /**
     * @param reserved the subject replies travel on, which no subscriber may take
     */
    ResponderSubscriptions(ClusterMessaging messaging, Responder responder, MessageSubject reserved) {
        this.messaging = messaging;
        this.responder = responder;
        this.reserved = reserved;
    }

    <M, R> Subscription add(MessageSubject subject, Function<byte[], M> decoder, BiFunction<NodeId, M, R> handler,
            Function<R, byte[]> encoder, Executor executor) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(encoder, "encoder");
        if (subject.equals(reserved)) {
            throw new IllegalArgumentException("subject " + reserved + " is reserved for replies");
        }
        Subscription inner = messaging.subscribe(subject,
                message -> responder.handle(message, decoder, handler, encoder), executor);
        Subscription outer = new Subscription() {
            @Override
            public MessageSubject subject() {
                return subject;
            }

            @Override
            public void close() {
                open.remove(this);
                inner.close();
            }

            @Override
            public String toString() {
                return inner.toString();
            }
        };
        open.add(outer);
        return outer;
    }

    /** Unsubscribes every subscriber still subscribed. */
    void closeAll() {
        List.copyOf(open).forEach(Subscription::close);
    }
}
