/**
 * The wiring of one Cohort node in plain Java: {@link org.cohort.core.embed.NodeAssembly} builds the same
 * objects the DS components build in Karaf, on a {@link org.cohort.core.runtime.NodeRuntime} given from
 * outside. Not exported: the exported face is {@link org.cohort.embed.CohortNode}; tests, the benchmark and
 * the simulator, which are plain Java, use this class directly.
 */
package org.cohort.core.embed;
