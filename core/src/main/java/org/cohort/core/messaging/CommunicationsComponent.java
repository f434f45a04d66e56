package org.cohort.core.messaging;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CommunicationsDelegate}: hands incoming messages to a {@link SubjectDispatcher},
 * keeps the sender the connection manager hands over, and publishes both to core as
 * {@link ClusterMessaging}. It starts no thread: handlers run on their subscribers' executors. Plain Java
 * (an embedded node, a test) builds it with {@code new} and ends it with {@link #close()}.
 */
@Component(
        service = {CommunicationsDelegate.class, ClusterMessaging.class},
        property = "cohort.delegate=core")
public class CommunicationsComponent implements CommunicationsDelegate, ClusterMessaging, Intake {

    private static final Logger LOG = LoggerFactory.getLogger(CommunicationsComponent.class);

    private final SubjectDispatcher dispatcher;
    private volatile MessageSender sender;

    /** Reads the system's clock (tests and tools). */
    public CommunicationsComponent() {
        this(new SubjectDispatcher());
    }

    /** Reads the node's clock. */
    @Activate
    public CommunicationsComponent(@Reference(name = "runtime") NodeRuntime runtime) {
        this(new SubjectDispatcher(runtime.clock()::nanoTime));
    }

    CommunicationsComponent(SubjectDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /** Forgets the sender and unsubscribes every subscriber: the end of the node, in Karaf or embedded. */
    public void close() {
        sender = null;
        dispatcher.unsubscribeAll();
    }

    @Override
    public void setSender(MessageSender sender) {
        this.sender = sender;
        LOG.debug(sender == null ? "Message sender withdrawn" : "Message sender ready");
    }

    @Override
    public Optional<MessageSender> sender() {
        return Optional.ofNullable(sender);
    }

    @Override
    public void dispatch(ClusterMessage message) {
        dispatcher.dispatch(message);
    }

    @Override
    public Acceptance accept(ClusterMessage message, Consumption consumption) {
        return dispatcher.accept(message, consumption);
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
