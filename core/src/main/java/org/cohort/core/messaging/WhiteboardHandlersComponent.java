package org.cohort.core.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
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
 * messages are handled in arrival order (a {@link HandlerSubscription}, as an embedder's handlers are).
 * A handler gets what any Cohort API sends on its subject, with the sender's id
 * ({@link MessageHandler#handle(org.cohort.api.cluster.NodeId, byte[])}).
 */
@Component(immediate = true)
public class WhiteboardHandlersComponent {

    private static final Logger LOG = LoggerFactory.getLogger(WhiteboardHandlersComponent.class);

    private final ClusterCommunicationService messaging;
    private final Scheduling scheduling;
    private final Map<MessageHandler, HandlerSubscription> registrations = new ConcurrentHashMap<>();

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
        try {
            registrations.put(handler, HandlerSubscription.subscribe(messaging, subject, handler, scheduling));
            LOG.info("Subscribed message handler {} (service {}) to subject {}", handler, properties.get("service.id"),
                    subject);
        } catch (RuntimeException e) {
            LOG.warn("Cannot subscribe message handler {} (service {}) to subject {}: {}", handler,
                    properties.get("service.id"), subject, e.getMessage());
        }
    }

    void removeHandler(MessageHandler handler) {
        HandlerSubscription registration = registrations.remove(handler);
        if (registration != null) {
            registration.close();
            LOG.info("Unsubscribed message handler {} from subject {}", handler, registration.subject());
        }
    }

    @Deactivate
    void deactivate() {
        registrations.values().forEach(HandlerSubscription::close);
        registrations.clear();
    }
}
