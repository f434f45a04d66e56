/**
 * Serialization of the payload types that sibling bundles register, with registration required and
 * stable type ids: ids 1000 to 65535 belong to sibling bundles, each reserving a block of them (see
 * {@link org.cohort.api.serialization.SerializationService} for the convention, what is accepted without
 * registration, and the error a node gives when its type ids disagree with the sender's). The envelope
 * methods are deprecated and leave with the next major version of this package.
 *
 * <p>Versions: 0.1.0, the service and its type registrations; 0.1.1, the provider and consumer
 * annotations, and the envelope methods deprecated.
 */
@Version("0.1.1")
package org.cohort.api.serialization;

import org.osgi.annotation.versioning.Version;
