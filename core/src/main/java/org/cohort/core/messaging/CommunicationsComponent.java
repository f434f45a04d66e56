package org.cohort.core.messaging;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.cohort.core.messaging.MessageHeader.Kind;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CommunicationsDelegate}: hands incoming messages to a {@link SubjectDispatcher},
 * keeps the sender the connection manager hands over, and publishes both to core as
 * {@link ClusterMessaging}. It starts no thread: handlers run on their subscribers' executors. Plain Java
 * (an embedded node, a test) builds it with {@code new} and ends it with {@link #close()}.
 *
 * <p>A message whose subject no subscriber here claims goes to the <b>fallback delegate</b> if one is
 * bound: a sibling bundle's own {@link CommunicationsDelegate} service (one without
 * {@code cohort.delegate=core}, which would be this component), or an embedder's
 * ({@code CohortNode.Builder.fallbackDelegate}). It is handed the sender too. Without one, or for a
 * request (which it could not answer in a way the requester understands), the dispatcher counts the
 * message as having no handler and a request is answered NO_HANDLER.
 */
@Component(
        service = {CommunicationsDelegate.class, ClusterMessaging.class},
        property = "cohort.delegate=core")
public class CommunicationsComponent implements CommunicationsDelegate, ClusterMessaging, Intake {

    private static final Logger LOG = LoggerFactory.getLogger(CommunicationsComponent.class);

    private final SubjectDispatcher dispatcher;
    private final FallbackDelegate fallback;
    private volatile MessageSender sender;

    /** Reads the system's clock (tests and tools). */
    public CommunicationsComponent() {
        this(NodeClock.SYSTEM::nanoTime);
    }

    /** Reads the node's clock. */
    @Activate
    public CommunicationsComponent(@Reference(name = "runtime") NodeRuntime runtime) {
        this(runtime.clock()::nanoTime);
    }

    private CommunicationsComponent(LongSupplier nanoTime) {
        dispatcher = new SubjectDispatcher(nanoTime);
        fallback = new FallbackDelegate(nanoTime);
    }

    /**
     * Binds the delegate that takes the messages no subscriber here claims, in place of any bound before
     * (logged at INFO); it is handed the sender at once if there is one.
     *
     * @param delegate a sibling's or an embedder's delegate, never this component
     */
    @Reference(name = "fallback", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(!(cohort.delegate=core))",
            unbind = "unbindFallback")
    public void bindFallback(CommunicationsDelegate delegate) {
        fallback.bind(delegate);
    }

    /**
     * Unbinds the fallback delegate if it is the one bound, taking the sender back from it: unclaimed
     * messages then count as having no handler.
     *
     * @param delegate the delegate going away
     */
    public void unbindFallback(CommunicationsDelegate delegate) {
        fallback.unbind(delegate);
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /**
     * Forgets the sender (taking it back from the fallback delegate too) and unsubscribes every
     * subscriber: the end of the node, in Karaf or embedded.
     */
    public void close() {
        sender = null;
        fallback.setSender(null);
        dispatcher.unsubscribeAll();
    }

    @Override
    public void setSender(MessageSender sender) {
        this.sender = sender;
        fallback.setSender(sender);
        LOG.debug(sender == null ? "Message sender withdrawn" : "Message sender ready");
    }

    @Override
    public Optional<MessageSender> sender() {
        return Optional.ofNullable(sender);
    }

    @Override
    public void dispatch(ClusterMessage message) {
        accept(message, Consumption.NONE);
    }

    /**
     * Hands a message to its subject's subscriber, or, if none claims the subject and the message is
     * not a request, to the fallback delegate, which takes it for good (its sender's credit returns at
     * once); otherwise it has no handler, which the transport tells its sender.
     */
    @Override
    public Acceptance accept(ClusterMessage message, Consumption consumption) {
        if (takenByFallback(message)) {
            consumption.consumed(message);
            return Acceptance.ACCEPTED;
        }
        return dispatcher.accept(message, consumption);
    }

    /**
     * A batch for one stream's reads: what the fallback delegate takes is taken at once, as in
     * {@link #accept}; the rest goes to the subscribers' executors at the batch's hand-off.
     */
    @Override
    public Intake.Batch batch() {
        Intake.Batch subscribers = dispatcher.newBatch();
        return new Intake.Batch() {
            @Override
            public Acceptance accept(ClusterMessage message, Consumption consumption, long token) {
                if (takenByFallback(message)) {
                    consumption.consumed(message);
                    return Acceptance.ACCEPTED;
                }
                return subscribers.accept(message, consumption, token);
            }

            @Override
            public void handOff() {
                subscribers.handOff();
            }
        };
    }

    private boolean takenByFallback(ClusterMessage message) {
        return fallback.isBound() && !dispatcher.hasSubscriber(message.subject()) && !isRequest(message)
                && fallback.dispatch(message);
    }

    /** A request the fallback delegate could not answer in a form the requester understands. */
    private static boolean isRequest(ClusterMessage message) {
        return MessageHeader.kindOf(message) == Kind.REQUEST;
    }

    @Override
    public Subscription subscribe(MessageSubject subject, Consumer<ClusterMessage> handler, Executor executor) {
        return dispatcher.subscribe(subject, handler, executor);
    }

    @Override
    public void addUndeliveredListener(BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> listener) {
        dispatcher.addUndeliveredListener(listener);
    }

    @Override
    public void removeUndeliveredListener(BiConsumer<ClusterMessage, SubjectDispatcher.Undelivered> listener) {
        dispatcher.removeUndeliveredListener(listener);
    }

    @Override
    public DispatchCounters counters() {
        return dispatcher.counters();
    }

    @Override
    public List<SubjectStats> subjects() {
        return dispatcher.subjects();
    }
}
