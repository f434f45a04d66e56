package org.cohort.sim.cluster;

/** The faults a {@link FaultScenario} draws from ({@link FaultMix} weighs them). */
public enum Fault {
    /** A TCP reset of every stream between two nodes. */
    RESET,
    /** A reset in the middle of a segment: each end reads part of a frame, then the stream resets. */
    MID_FRAME_RESET,
    /**
     * A node's host rejects dials (a firewall REJECT rule) for 0.5 to 10 s, right after its streams to
     * another node were reset: that node's redials are refused until the rule goes.
     */
    REFUSE,
    /** The link between two nodes squeezed to 2 to 64 KB/s both ways for 1 to 10 s. */
    SLOW_LINK,
    /** Two nodes cut off from each other both ways, 0.2 to 20 s (past the resend linger). */
    CUT,
    /** One direction between two nodes cut, 0.2 to 20 s. */
    ONE_WAY_CUT,
    /** A node killed (kill -9) and restarted 0.5 to 6 s later as a new incarnation. */
    KILL,
    /** A node paused (a GC, SIGSTOP) for 0.1 to 4 s. */
    PAUSE,
    /** A node's handlers take 1 to 20 ms per message for 1 to 10 s. */
    SLOW_SUBSCRIBER,
    /**
     * A node removed from every other node's list (edits one at a time) and stopped, then started
     * again and added back, edits one at a time.
     */
    REMOVE_AND_ADD
}
