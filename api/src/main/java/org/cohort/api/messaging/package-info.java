/**
 * Messages between cluster nodes: subjects, the message envelope, and the services that send and
 * dispatch them.
 */
@Version("0.3.0")
package org.cohort.api.messaging;

import org.osgi.annotation.versioning.Version;
