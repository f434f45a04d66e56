package org.cohort.core.handshake;

/** Which side opened a stream: we accepted it, or we dialed it. */
public enum Direction {
    INBOUND,
    OUTBOUND
}
