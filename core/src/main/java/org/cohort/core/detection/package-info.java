/**
 * Whether a peer is alive, judged from its heartbeats: the phi-accrual failure detector and the
 * verdict built on it. Plain Java, time passed in; the transport's heartbeat handlers feed it and act on
 * its verdict. A package of its own (not transport, where it sat; not membership, which only reports
 * what the transport saw) because the judgement is a concern apart from both, and a simulator or
 * another transport reuses it as is.
 */
package org.cohort.core.detection;
