/**
 * Cluster membership as sibling bundles see it: node identities, the nodes of the cluster, and the
 * delegate told when a node comes and goes.
 *
 * <p>Versions (docs/compatibility.md has the detail):
 * <ul>
 *   <li>0.1.0: {@code NodeId}, {@code ControllerNode}, {@code ClusterNodesDelegate}.
 *   <li>0.2.0 (minor): {@code ClusterService}, {@code ClusterMember}, {@code ClusterEvent} and its
 *       listener (issue 5).
 *   <li>0.2.1: the provider and consumer annotations only.
 *   <li>0.3.0 (minor): a member that left is told apart from one that failed
 *       ({@code ClusterMember.hasLeft()}, the default {@code ClusterNodesDelegate.nodeLeft}), and a
 *       listener can be added with the current members first ({@code addListener(listener, true)}).
 * </ul>
 */
@Version("0.3.0")
package org.cohort.api.cluster;

import org.osgi.annotation.versioning.Version;
