/**
 * Serialization of message envelopes and of the payload types that sibling bundles register, with
 * registration required and stable type ids.
 */
@Version("0.1.0")
package org.cohort.api.serialization;

import org.osgi.annotation.versioning.Version;
