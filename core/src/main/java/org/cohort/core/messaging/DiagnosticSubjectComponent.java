package org.cohort.core.messaging;

import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.util.LogText;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every message on the diagnostic subject {@value #SUBJECT} at INFO, with its sender and text, so
 * that an operator can check a path end to end: {@code cluster:send node-2 cohort.diag hello}.
 */
@Component(immediate = true)
public class DiagnosticSubjectComponent {

    /** The diagnostic subject. */
    public static final String SUBJECT = "cohort.diag";

    private static final Logger LOG = LoggerFactory.getLogger(DiagnosticSubjectComponent.class);

    private final EventExecutor executor;
    private final Subscription subscription;

    @Activate
    public DiagnosticSubjectComponent(@Reference(name = "messaging") ClusterMessaging messaging,
            @Reference(name = "runtime") NodeRuntime runtime) {
        executor = runtime.scheduling().newSerialExecutor("diag");
        subscription = messaging.subscribe(MessageSubject.of(SUBJECT), DiagnosticSubjectComponent::log, executor);
    }

    @Deactivate
    void deactivate() {
        subscription.close();
        executor.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
    }

    static void log(ClusterMessage message) {
        LOG.info("Diagnostic message from {}: {}", message.sender(), printable(message.payload()));
    }

    /** The text as one safe log line. */
    static String printable(byte[] payload) {
        return LogText.escape(new String(payload, StandardCharsets.UTF_8));
    }
}
