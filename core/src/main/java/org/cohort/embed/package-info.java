/**
 * Runs a Cohort node in plain Java, without OSGi: for a benchmark, a test, a simulator or an application
 * that is not in Karaf. {@link org.cohort.embed.CohortNode#builder()} takes the keys of
 * {@code etc/org.cohort.cluster.cfg}, validated by the same rules with the same error lines, and returns
 * a running node with the services a sibling bundle gets in Karaf.
 *
 * <p>Signatures here use only {@code org.cohort.api} and JDK types; the wiring behind them is core's.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.cohort.embed;
