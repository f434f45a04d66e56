package org.cohort.api.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends messages to other cluster nodes by subject, one way or as request and reply, and subscribes
 * handlers to subjects.
 *
 * <p><b>Ordering.</b> Messages from one sender on one subject reach the subscriber in the order they
 * were sent when the subscriber's executor is single-threaded; a multi-threaded executor may reorder
 * them. <b>Threads.</b> Handlers run on the executor given when subscribing, never on an IO thread
 * unless that executor is {@link #IO_THREAD} (for handlers that never block). The dependent stages a
 * caller adds to a future returned by {@code sendAndReceive} without naming an executor run on the
 * executor given with the request, or, without one, on a replies thread of the service shared by the
 * requests to the same node (a few such threads in all); a caller blocked in {@code get()} wakes
 * straight from the IO thread that read the reply. Chain blocking work with the {@code *Async} variants.
 *
 * <p><b>Failures.</b> Futures complete exceptionally with a {@link MessagingException}:
 * {@link NoRemoteHandlerException}, {@link RemoteHandlerFailureException},
 * {@link PeerOverloadedException}, {@link MessagingTimeoutException}, {@link NodeUnreachableException}
 * or {@link StreamClosedException}. Every returned future completes, at the latest at its timeout.
 *
 * <p><b>Encoders and decoders.</b> They are the caller's own code, and what they throw reaches the
 * caller, never the void: an encoder passed to {@code unicast} runs on the calling thread and its
 * exception propagates out of {@code unicast}; one passed to {@code sendAndReceive} fails the returned
 * future with its exception. Either way nothing is sent. A reply decoder that throws fails the future
 * with its exception (wrapped in a {@link java.util.concurrent.CompletionException} for dependent
 * stages). On the subscriber's side, a decoder, handler or reply encoder that throws on a request
 * answers it with a failure: the requester's future fails with a {@link RemoteHandlerFailureException}
 * carrying the exception's text; on a one-way message it is logged. Either way the subscriber's node
 * counts it as a failed handler.
 *
 * <p><b>One wire.</b> A subscriber receives what any Cohort API sends on its subject: this service's
 * one-way messages and requests, and plain {@link ClusterMessage}s sent with {@link MessageSender}, which
 * it handles as one-way messages. Whiteboard {@link MessageHandler}s are subscribers of this service.
 *
 * <p>Payload arrays are handed over as with {@link ClusterMessage}: do not change them after the call.
 */
@ProviderType
public interface ClusterCommunicationService {

    /** The timeout of a request sent without one. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The executor that runs a subscriber's handler, or a reply's dependent stages, on the IO thread that
     * read the message: no thread hop, for code that never blocks (see {@link IoThreadExecutor}).
     */
    Executor IO_THREAD = IoThreadExecutor.INSTANCE;

    /**
     * Sends the payload one way to one node (the local node included) without waiting for delivery.
     *
     * @param subject the subject
     * @param payload the payload
     * @param to the receiving node
     * @return true if the message was queued; false if the node is unknown, has no stream, or the
     *     outbound queue to it is full
     */
    boolean unicast(MessageSubject subject, byte[] payload, NodeId to);

    /**
     * Encodes the message and sends it one way to one node; see {@link #unicast(MessageSubject, byte[], NodeId)}.
     *
     * @param <M> the message type
     * @param subject the subject
     * @param message the message
     * @param encoder turns the message into bytes, on the calling thread; what it throws propagates to
     *     the caller and nothing is sent
     * @param to the receiving node
     * @return true if the message was queued
     */
    <M> boolean unicast(MessageSubject subject, M message, Function<M, byte[]> encoder, NodeId to);

    /**
     * Sends the payload one way to each of the given nodes; nodes that cannot be sent to are skipped.
     *
     * @param subject the subject
     * @param payload the payload (shared by all the messages; do not change it)
     * @param nodes the receiving nodes
     */
    void multicast(MessageSubject subject, byte[] payload, Set<NodeId> nodes);

    /**
     * Sends the payload one way to every other active member of the cluster, not to this node.
     *
     * @param subject the subject
     * @param payload the payload
     */
    void broadcast(MessageSubject subject, byte[] payload);

    /**
     * Sends the payload one way to every active member of the cluster, this node included.
     *
     * @param subject the subject
     * @param payload the payload
     */
    void broadcastIncludingSelf(MessageSubject subject, byte[] payload);

    /**
     * Sends the payload one way to one node and says at once whether it was accepted: the cheap form of
     * {@link #deliver(MessageSubject, byte[], NodeId)}, with no future. An accepted message is delivered
     * or its failure is counted at the sender by its reason ({@code cluster:stats}).
     *
     * @param subject the subject
     * @param payload the payload
     * @param to the receiving node
     * @return {@link SendResult#ACCEPTED}, or why the message was refused
     */
    SendResult trySend(MessageSubject subject, byte[] payload, NodeId to);

    /**
     * Sends the payload one way to one node and tells when the receiving node accepted it for its
     * subscriber (handed it to the subscriber's executor), or why it did not.
     *
     * @param subject the subject
     * @param payload the payload
     * @param to the receiving node
     * @return a future that completes once the receiver accepted the message, or fails with
     *     {@link NoRemoteHandlerException} (the receiver has no subscriber and no delegate for the
     *     subject), {@link NodeUnreachableException} (unknown node, no stream, still queued when the
     *     node stayed unreachable past the resend linger, or the node left),
     *     {@link PeerOverloadedException} (the queue or the resend buffer to the node is full),
     *     {@link PeerRestartedException} or {@link MessagingException} (too large, stopped)
     */
    CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to);

    /**
     * Sends the payload one way to one node, to be accepted by its subscriber before the deadline or
     * not at all; see {@link #deliver(MessageSubject, byte[], NodeId)}.
     *
     * @param subject the subject
     * @param payload the payload
     * @param to the receiving node
     * @param deadline how long from now the message may still be delivered; positive
     * @return a future as for {@link #deliver(MessageSubject, byte[], NodeId)}, also failed with
     *     {@link DeliveryDeadlineException} once the deadline passed before the receiver accepted it
     */
    CompletableFuture<Void> deliver(MessageSubject subject, byte[] payload, NodeId to, Duration deadline);

    /**
     * Sends the payload one way to each of the given nodes and reports the outcome per node; see
     * {@link #deliver(MessageSubject, byte[], NodeId)}.
     *
     * @param subject the subject
     * @param payload the payload (shared by all the messages; do not change it)
     * @param nodes the receiving nodes
     * @return one future per node, in the order of {@code nodes}
     */
    Map<NodeId, CompletableFuture<Void>> multicastWithOutcomes(MessageSubject subject, byte[] payload,
            Set<NodeId> nodes);

    /**
     * Sends the payload one way to every other active member and reports the outcome per member; see
     * {@link #deliver(MessageSubject, byte[], NodeId)}.
     *
     * @param subject the subject
     * @param payload the payload
     * @return one future per member it was sent to, sorted by node id
     */
    Map<NodeId, CompletableFuture<Void>> broadcastWithOutcomes(MessageSubject subject, byte[] payload);

    /**
     * Sends a request to one node and returns its subscriber's reply, waiting at most
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param subject the subject
     * @param payload the request payload
     * @param to the receiving node
     * @return the reply payload, or a future failed with a {@link MessagingException}
     */
    CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to);

    /**
     * Sends a request to one node and returns its subscriber's reply, waiting at most the given timeout.
     *
     * @param subject the subject
     * @param payload the request payload
     * @param to the receiving node
     * @param timeout how long to wait for the reply; positive
     * @return the reply payload, or a future failed with a {@link MessagingException}
     */
    CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to, Duration timeout);

    /**
     * Sends a request to one node and returns its subscriber's reply, waiting at most the given timeout;
     * the dependent stages added to the returned future without an executor of their own run on
     * {@code executor} (and so do the stages of the futures those return).
     *
     * @param subject the subject
     * @param payload the request payload
     * @param to the receiving node
     * @param timeout how long to wait for the reply; positive
     * @param executor runs the future's dependent stages; {@link #IO_THREAD} runs them on the IO thread
     *     that read the reply (stages that never block), on the thread that completed the future
     *     otherwise (a timeout, a vanished node), and a stage added once the future is complete on the
     *     thread that adds it
     * @return the reply payload, or a future failed with a {@link MessagingException}
     */
    CompletableFuture<byte[]> sendAndReceive(MessageSubject subject, byte[] payload, NodeId to, Duration timeout,
            Executor executor);

    /**
     * Encodes a request, sends it to one node and decodes the reply; an encoder that throws (or returns
     * null) fails the future with its exception and sends nothing, a decoder that throws fails the future
     * with its exception.
     *
     * @param <M> the request type
     * @param <R> the reply type
     * @param subject the subject
     * @param message the request
     * @param encoder turns the request into bytes, on the calling thread
     * @param decoder turns the reply bytes into the reply
     * @param to the receiving node
     * @param timeout how long to wait for the reply; positive
     * @return the decoded reply, or a future failed with a {@link MessagingException}
     */
    <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout);

    /**
     * Encodes a request, sends it to one node and decodes the reply on {@code executor}, which also runs
     * the dependent stages added to the returned future; otherwise as
     * {@link #sendAndReceive(MessageSubject, Object, Function, Function, NodeId, Duration)}.
     *
     * @param <M> the request type
     * @param <R> the reply type
     * @param subject the subject
     * @param message the request
     * @param encoder turns the request into bytes, on the calling thread
     * @param decoder turns the reply bytes into the reply, on {@code executor}
     * @param to the receiving node
     * @param timeout how long to wait for the reply; positive
     * @param executor runs the decoder and the future's dependent stages; see
     *     {@link #sendAndReceive(MessageSubject, byte[], NodeId, Duration, Executor)}
     * @return the decoded reply, or a future failed with a {@link MessagingException}
     */
    <M, R> CompletableFuture<R> sendAndReceive(MessageSubject subject, M message, Function<M, byte[]> encoder,
            Function<byte[], R> decoder, NodeId to, Duration timeout, Executor executor);

    /**
     * Subscribes a handler to a subject; each message is decoded and handled on the executor. A request
     * sent to this subscriber is answered with an empty reply once the handler returns.
     *
     * @param <M> the message type
     * @param subject the subject
     * @param decoder turns the payload into the message, on the executor
     * @param handler handles each message; what it throws is logged (and reported to a requester)
     * @param executor runs the decoder and the handler; it stays the caller's to shut down;
     *     {@link #IO_THREAD} runs them on the IO thread that read the message (handlers that never block)
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a subscriber
     */
    <M> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder, Consumer<M> handler,
            Executor executor);

    /**
     * Subscribes a replying handler to a subject: the handler's return value, encoded, is the reply to a
     * request; for a one-way message it is dropped.
     *
     * @param <M> the request type
     * @param <R> the reply type
     * @param subject the subject
     * @param decoder turns the payload into the request, on the executor
     * @param handler handles each request and returns the reply
     * @param encoder turns the reply into bytes, on the executor; null is an empty reply; what it throws
     *     fails the request with a {@link RemoteHandlerFailureException}
     * @param executor runs the decoder, the handler and the encoder; it stays the caller's to shut down
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a subscriber
     */
    <M, R> Subscription addSubscriber(MessageSubject subject, Function<byte[], M> decoder, Function<M, R> handler,
            Function<R, byte[]> encoder, Executor executor);

    /**
     * Subscribes a handler that learns who sent each message; otherwise as
     * {@link #addSubscriber(MessageSubject, Function, Consumer, Executor)}.
     *
     * <p>A name of its own, not an overload of {@code addSubscriber}: a method reference such as
     * {@code received::add} or {@code log::info} fits both a {@link Consumer} and a {@link BiConsumer}
     * (the referenced method has a one- and a two-argument form), so an overload would make such existing
     * calls ambiguous and stop them compiling.
     *
     * @param <M> the message type
     * @param subject the subject
     * @param decoder turns the payload into the message, on the executor
     * @param handler handles each message, given the node that sent it; what it throws is logged (and
     *     reported to a requester)
     * @param executor runs the decoder and the handler; it stays the caller's to shut down
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a subscriber
     */
    <M> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiConsumer<NodeId, M> handler, Executor executor);

    /**
     * Subscribes a replying handler that learns who sent each message; otherwise as
     * {@link #addSubscriber(MessageSubject, Function, Function, Function, Executor)}.
     *
     * @param <M> the request type
     * @param <R> the reply type
     * @param subject the subject
     * @param decoder turns the payload into the request, on the executor
     * @param handler handles each request, given the node that sent it, and returns the reply
     * @param encoder turns the reply into bytes, on the executor; null is an empty reply; what it throws
     *     fails the request with a {@link RemoteHandlerFailureException}
     * @param executor runs the decoder, the handler and the encoder; it stays the caller's to shut down
     * @return the subscription; close it to unsubscribe
     * @throws IllegalStateException if the subject already has a subscriber
     */
    <M, R> Subscription addSubscriberWithSender(MessageSubject subject, Function<byte[], M> decoder,
            BiFunction<NodeId, M, R> handler, Function<R, byte[]> encoder, Executor executor);
}
