/**
 * Messages between cluster nodes: subjects, the message envelope, and the services that send and
 * dispatch them.
 *
 * <p>Versions (docs/compatibility.md has the detail):
 * <ul>
 *   <li>0.1.0: {@code MessageSubject}, {@code ClusterMessage}, {@code MessageSender},
 *       {@code CommunicationsDelegate}.
 *   <li>0.2.0 (minor): {@code ClusterCommunicationService} and the messaging exceptions (issue 5).
 *   <li>0.2.1: the provider and consumer annotations only.
 *   <li>0.3.0 (minor): a send says whether it was accepted ({@code SendResult}, {@code trySend}) and,
 *       through {@code deliver} and its per-node variants, whether the peer accepted it for its
 *       subscriber ({@code PeerRestartedException}, {@code DeliveryDeadlineException});
 *       {@code addSubscriberWithSender}; the default {@code MessageHandler.handle(NodeId, byte[])}. A
 *       {@code NodeUnreachableException} from {@code deliver} after the resend linger names a message
 *       that was never sent; one already sent waits for the peer's return, restart or removal. A message sent
 *       and unacknowledged when its session ends (the peer restarts, leaves or is removed; this node
 *       stops) fails with {@code DeliveryUnconfirmedException} (of which {@code PeerRestartedException}
 *       is the restart case): the peer may have it. {@code ClusterCommunicationService.IO_THREAD}
 *       ({@code IoThreadExecutor}) and the {@code sendAndReceive} forms that take an executor for the
 *       future's stages (issue 18).
 * </ul>
 */
@Version("0.3.0")
package org.cohort.api.messaging;

import org.osgi.annotation.versioning.Version;
