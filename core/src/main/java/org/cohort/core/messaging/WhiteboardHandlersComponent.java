package org.cohort.core.messaging;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.Scheduling;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes every {@link MessageHandler} service to the subject its {@value MessageHandler#SUBJECT_PROPERTY}
 * property names, for as long as the service lives, each on a single thread of its own so that its
 * messages are handled in arrival order.
 */
@Component(immediate = true)
public class WhiteboardHandlersComponent {

    private static final Logger LOG = LoggerFactory.getLogger(WhiteboardHandlersComponent.class);

    private final ClusterCommunicationService messaging;
    private final Scheduling scheduling;
    private final Map<MessageHandler, Registration> registrations = new ConcurrentHashMap<>();

    /** One handler's subscription and the thread it runs on. */
    private record Registration(Subscription subscription, EventExecutor executor) {
        void close() {
            subscription.close();
            executor.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
        }
    }

    @Activate
    public WhiteboardHandlersComponent(@Reference(name = "messaging") ClusterCommunicationService messaging,
            @Reference(name = "runtime") NodeRuntime runtime) {
        this.messaging = messaging;
        this.scheduling = runtime.scheduling();
    }

    @Reference(name = "handlers", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeHandler")
    void addHandler(MessageHandler handler, Map<String, Object> properties) {
        Object subjectProperty = properties.get(MessageHandler.SUBJECT_PROPERTY);
        MessageSubject subject;
        try {
            subject = MessageSubject.of(String.valueOf(subjectProperty));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring message handler {} (service {}): its {} property is not a subject: {}", handler,
                    properties.get("service.id"), MessageHandler.SUBJECT_PROPERTY, e.getMessage());
            return;
        }
        EventExecutor executor = scheduling.newSerialExecutor("handler");
        try {
            Subscription subscription = messaging.addSubscriber(subject, Function.<byte[]>identity(), handler::handle,
                    (byte[] reply) -> reply == null ? new byte[0] : reply, executor);
            registrations.put(handler, new Registration(subscription, executor));
            LOG.info("Subscribed message handler {} (service {}) to subject {}", handler, properties.get("service.id"),
                    subject);
        } catch (RuntimeException e) {
            executor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            LOG.warn("Cannot subscribe message handler {} (service {}) to subject {}: {}", handler,
                    properties.get("service.id"), subject, e.getMessage());
        }
    }

    void removeHandler(MessageHandler handler) {
        Registration registration = registrations.remove(handler);
        if (registration != null) {
            registration.close();
            LOG.info("Unsubscribed message handler {} from subject {}", handler, registration.subscription().subject());
        }
    }

    @Deactivate
    void deactivate() {
        registrations.values().forEach(Registration::close);
        registrations.clear();
    }
}
