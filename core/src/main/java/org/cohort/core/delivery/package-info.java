/**
 * What the transport and the messaging layer agree on about delivery: the receiving side says at once
 * whether a message was accepted for a subscriber ({@link org.cohort.core.delivery.Intake}), and when
 * the subscriber is done with it ({@link org.cohort.core.delivery.Consumption}), which returns the
 * sender's credit.
 */
package org.cohort.core.delivery;
