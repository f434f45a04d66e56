package org.cohort.core.messaging;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.runtime.NodeRuntime;
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

    private final EventExecutor executor;
    private final Subscription subscription;

    @Activate
    public PingResponderComponent(@Reference(name = "messaging") ClusterCommunicationService messaging,
            @Reference(name = "runtime") NodeRuntime runtime) {
        executor = runtime.scheduling().newSerialExecutor("ping");
        subscription = messaging.addSubscriber(MessageSubject.of(SUBJECT), Function.identity(),
                payload -> payload.length <= MAX_ECHO_BYTES ? payload : new byte[0], Function.identity(), executor);
    }

    @Deactivate
    void deactivate() {
        subscription.close();
        executor.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
    }
}
