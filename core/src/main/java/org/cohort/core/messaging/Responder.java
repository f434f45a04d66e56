package org.cohort.core.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.messaging.MessageHeader.Status;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of a {@link ClusterCommunicator}: runs a subscriber on each message that reaches
 * it and, for a request, sends back the subscriber's answer, or HANDLER_FAILED with its failure; answers
 * a request that reached no subscriber NO_HANDLER, and one the subscriber's executor refused OVERLOADED.
 *
 * <p>One wire: a plain {@link ClusterMessage} (no header: sent with {@link MessageSender}, such as by
 * {@code cluster:send}) is a one-way message, so that every Cohort API reaches every subscriber. Only a
 * REPLY on a subscriber's subject is dropped as unexpected, counted and (at most once a minute) logged:
 * no Cohort API sends one there (replies travel on their own subject), so it comes from a broken peer.
 */
final class Responder {

    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_FAILURE_CHARS = 512;

    private final MessageSubject replySubject;
    private final HeadedSender sender;
    private final NodeClock clock;
    private final LongAdder malformed = new LongAdder();
    private final LogThrottle malformedWarnings;

    Responder(NodeId localId, MessageSubject replySubject, MessageSender sender, NodeClock clock) {
        this.replySubject = replySubject;
        this.sender = new HeadedSender(localId, sender);
        this.clock = clock;
        malformedWarnings = new LogThrottle(WARNING_INTERVAL_NANOS, clock.nanoTime());
    }

    long malformedCount() {
        return malformed.sum();
    }

    /** On the subscriber's executor. */
    <M, R> void handle(ClusterMessage message, Function<byte[], M> decoder, BiFunction<NodeId, M, R> handler,
            Function<R, byte[]> encoder) {
        Kind kind = MessageHeader.kindOf(message);
        if (kind == Kind.REPLY) {
            // Not an API path: a peer's reply on a subject that is not the replies' own.
            dropMalformed(message);
            return;
        }
        if (kind != Kind.REQUEST) {
            // ONE_WAY, or null: a plain message without a header, sent with MessageSender.
            handler.apply(message.sender(), decoder.apply(message.payload()));
            return;
        }
        long requestId = MessageHeader.requestIdOf(message);
        byte[] reply;
        try {
            reply = encoder.apply(handler.apply(message.sender(), decoder.apply(message.payload())));
        } catch (RuntimeException e) {
            // The decoder, the handler or the reply encoder failed: the requester is told, and the
            // dispatcher, which the exception goes on to, counts it (handlerFailed) and logs it.
            reply(message.sender(), requestId, Status.HANDLER_FAILED,
                    failureText(e).getBytes(StandardCharsets.UTF_8));
            throw e;
        }
        reply(message.sender(), requestId, Status.OK, reply == null ? new byte[0] : reply);
    }

    /** On the dispatching thread, often an IO worker: must not throw or block. */
    void undelivered(ClusterMessage message, SubjectDispatcher.Undelivered reason) {
        // Only a request is answered here; a one-way or plain message has no reply to carry the news.
        if (MessageHeader.kindOf(message) == Kind.REQUEST) {
            Status status = reason == SubjectDispatcher.Undelivered.REJECTED ? Status.OVERLOADED : Status.NO_HANDLER;
            reply(message.sender(), MessageHeader.requestIdOf(message), status, new byte[0]);
        }
    }

    private void reply(NodeId to, long requestId, Status status, byte[] body) {
        try {
            if (!sender.send(to, replySubject, body, Kind.REPLY, requestId, status)) {
                LOG.debug("Could not send the {} reply to request {} back to {}", status, requestId, to);
            }
        } catch (RuntimeException e) {
            LOG.warn("Sending the {} reply to request {} back to {} failed", status, requestId, to, e);
        }
    }

    /** The handler's failure as the requester will see it, capped. */
    static String failureText(RuntimeException e) {
        String text = String.valueOf(e);
        return text.length() <= MAX_FAILURE_CHARS ? text : text.substring(0, MAX_FAILURE_CHARS) + "...";
    }

    void dropMalformed(ClusterMessage message) {
        malformed.increment();
        long heldBack = malformedWarnings.tryAcquire(clock.nanoTime());
        if (heldBack != LogThrottle.SUPPRESSED) {
            LOG.warn("Dropped a message on subject {} from {} ({} bytes): malformed or unexpected messaging header "
                    + "({} more since the last warning; this warning repeats at most once a minute)",
                    message.subject(), message.sender(), message.payload().length, heldBack);
        }
    }
}
