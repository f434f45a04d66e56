package org.cohort.core.transport;

import org.cohort.api.messaging.ClusterMessage;

/**
 * A message as it came off a stream: its delivery header (see {@link org.cohort.core.frame.Frames#DELIVERY_HEADER_BYTES})
 * and the message.
 *
 * @param seq its sequence number in the sender's session, 0 for a message sent at most once
 * @param ttlMillis its time to live when written, 0 for none, {@link org.cohort.core.frame.Frames#EXPIRED} if
 *     its deadline passed before it was resent
 * @param message the message
 */
record InboundMessage(long seq, int ttlMillis, ClusterMessage message) {
}
