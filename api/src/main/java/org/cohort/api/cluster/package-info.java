/**
 * Cluster membership as sibling bundles see it: node identities, the nodes of the cluster, and the
 * delegate told when a node comes and goes.
 */
@Version("0.3.0")
package org.cohort.api.cluster;

import org.osgi.annotation.versioning.Version;
