package org.cohort.core.messaging;

import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.Scheduling;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Answers {@value #SUBJECT} requests with their own payload, so that {@code cluster:ping} measures round trips. */
@Component(immediate = true, service = PingResponderComponent.class)
public class PingResponderComponent {

    /** The ping subject. */
    public static final String SUBJECT = "cohort.ping";
    /** The largest ping payload answered; larger ones get an empty answer. */
    static final int MAX_ECHO_BYTES = 64 * 1024;

    private final HandlerSubscription subscription;

    @Activate
    public PingResponderComponent(@Reference(name = "messaging") ClusterCommunicationService messaging,
            @Reference(name = "runtime") NodeRuntime runtime) {
        subscription = answerPings(messaging, runtime.scheduling());
    }

    /**
     * Answers pings on a serial executor of its own ({@code cohort-ping}) until the subscription is closed:
     * what this component does in Karaf, and an embedded node does itself.
     */
    public static HandlerSubscription answerPings(ClusterCommunicationService messaging, Scheduling scheduling) {
        return HandlerSubscription.subscribe(messaging, MessageSubject.of(SUBJECT),
                payload -> payload.length <= MAX_ECHO_BYTES ? payload : new byte[0], scheduling, "ping");
    }

    @Deactivate
    void deactivate() {
        subscription.close();
    }
}
