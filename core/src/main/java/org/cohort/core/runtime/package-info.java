/**
 * The seams between Cohort and everything nondeterministic: {@link org.cohort.core.runtime.NodeClock},
 * {@link org.cohort.core.runtime.Randomness}, {@link org.cohort.core.runtime.Scheduling} and
 * {@link org.cohort.core.runtime.StreamTransport}, gathered in {@link org.cohort.core.runtime.NodeRuntime}.
 * Production implementations live beside them ({@link org.cohort.core.runtime.NodeRuntime#production()}:
 * the system's clocks, {@link org.cohort.core.runtime.ThreadScheduling} and
 * {@link org.cohort.core.runtime.TcpTransport}), published to the DS components by
 * {@link org.cohort.core.runtime.NodeRuntimeComponent}; a simulator brings its own. This package imports
 * no other Cohort package: it is the lowest level.
 */
package org.cohort.core.runtime;
