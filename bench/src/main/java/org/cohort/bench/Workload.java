package org.cohort.bench;

/** The harness's workloads, with their fixed parameters. */
enum Workload {
    /**
     * One-way 128-byte messages from node 1 to node 2, as fast as a bounded credit window allows: 16,384
     * messages in flight, four times Cohort's own default credit per subject, so that Cohort's flow control,
     * not the harness's, is what holds the sender back (issue 16: at this window the build before it lost
     * messages at the receiver).
     */
    W1("one-way 128 B, credit window", 2, Kind.ONE_WAY, 128, 16_384, 256),
    /** Request/reply of 64 bytes, one outstanding. */
    W2("request/reply 64 B, 1 outstanding", 2, Kind.REQUEST_REPLY, 64, 1, 0),
    /** One-way 1 MiB messages from node 1 to node 2. */
    W3("one-way 1 MiB", 2, Kind.ONE_WAY, 1024 * 1024, 8, 1),
    /** Request/reply of 64 bytes, 64 outstanding. */
    W4("request/reply 64 B, 64 outstanding", 2, Kind.REQUEST_REPLY, 64, 64, 0),
    /** Eight nodes in a full mesh, each broadcasting 128-byte messages to the seven others. */
    W5("8-node mesh, each broadcasting 128 B", 8, Kind.BROADCAST, 128, 512, 64);

    /** What the nodes do. */
    enum Kind {
        ONE_WAY, REQUEST_REPLY, BROADCAST
    }

    final String description;
    final int nodes;
    final Kind kind;
    final int payloadBytes;
    /** One-way: messages a sender may have unacknowledged per receiver; request/reply: outstanding requests. */
    final int window;
    /** One-way: a receiver returns credit after this many messages from one sender. */
    final int creditBatch;

    Workload(String description, int nodes, Kind kind, int payloadBytes, int window, int creditBatch) {
        this.description = description;
        this.nodes = nodes;
        this.kind = kind;
        this.payloadBytes = payloadBytes;
        this.window = window;
        this.creditBatch = creditBatch;
    }

    /** Whether node {@code k} generates load in this workload. */
    boolean sends(int k) {
        return kind == Kind.BROADCAST || k == 1;
    }
}
