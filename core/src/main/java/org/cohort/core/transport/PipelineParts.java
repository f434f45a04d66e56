package org.cohort.core.transport;

import java.util.function.LongSupplier;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.core.handshake.Hello;
import org.cohort.core.util.LogThrottle;

/**
 * Everything a stream's pipeline is built from, given to the {@link StreamInitializer} once per start of
 * the connection manager: the pipeline reaches nothing else.
 *
 * @param roster the settings and members in force (read when a stream opens)
 * @param localHello this node's hello
 * @param tls the TLS contexts, or null without TLS
 * @param admission admits or refuses a stream once its hello is done
 * @param gate throttles handshakes from each source address
 * @param gateWarnings paces the gate's warnings
 * @param chooser gives accepted streams their worker; their slot is released here
 * @param counters the node's transport counters
 * @param errorHandler the last handler of every pipeline
 * @param commsDelegate receives every incoming message
 * @param nanoClock the node's monotonic clock
 */
record PipelineParts(Roster.InForce roster, Hello localHello, TlsContexts tls, StreamAdmission admission,
        HandshakeGate gate, LogThrottle gateWarnings, LeastLoadedChooserFactory chooser, TransportCounters counters,
        StreamErrorHandler errorHandler, CommunicationsDelegate commsDelegate, LongSupplier nanoClock) {
}
