/**
 * The seams between Cohort and everything nondeterministic: {@link org.cohort.core.runtime.NodeClock},
 * {@link org.cohort.core.runtime.Randomness}, {@link org.cohort.core.runtime.Scheduling} and
 * {@link org.cohort.core.runtime.StreamTransport}, gathered in {@link org.cohort.core.runtime.NodeRuntime}.
 * Production implementations live beside them; a simulator brings its own.
 */
package org.cohort.core.runtime;
