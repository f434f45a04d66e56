package org.cohort.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * What a workload needs from one node, implemented by Cohort ({@link CohortTransport}) and by the raw-TCP
 * baselines ({@link RawTransport}). Peers are numbered 1..n like the nodes on 127.0.0.1..n.
 */
interface Transport extends AutoCloseable {

    /** The two one-way channels a workload uses: data, and credits flowing back to the sender. */
    enum Lane {
        DATA, CREDIT
    }

    /** Receives one one-way message (workloads put the sender's number in the payload). */
    @FunctionalInterface
    interface Receiver {
        void receive(byte[] payload);
    }

    /** Starts the node; returns once it listens (it then dials its peers). */
    void start() throws Exception;

    /** Waits until every peer is connected. */
    void awaitConnected(Duration timeout) throws Exception;

    /** The other nodes. */
    List<Integer> peers();

    /** Handles one-way messages on a lane; called before {@link #start}. */
    void onMessage(Lane lane, Receiver receiver);

    /** Answers requests; called before {@link #start}. */
    void onRequest(UnaryOperator<byte[]> handler);

    /**
     * Sends one one-way message; the caller may reuse {@code payload} as soon as this returns.
     *
     * @return false if the transport refused it
     */
    boolean send(int to, Lane lane, byte[] payload);

    /**
     * Sends one one-way message to every peer, a send each; the caller may reuse {@code payload} at once.
     *
     * @return how many peers' sends the transport accepted
     */
    int broadcast(Lane lane, byte[] payload);

    /** Sends a request; the future completes with the reply. */
    CompletableFuture<byte[]> request(int to, byte[] payload);

    /** Sends a request and waits for its reply, the cheapest way this transport can. */
    default byte[] requestAndWait(int to, byte[] payload) throws Exception {
        return request(to, payload).get();
    }

    /** Transport-specific counters for the final report (refusals, streams lost...). */
    Map<String, Long> counters();

    @Override
    void close();

    /**
     * The TLS its links run once connected: engine, protocol and cipher suite (e.g. "OpenSSL engine
     * (BoringSSL), TLSv1.3 TLS_AES_128_GCM_SHA256"); null without TLS.
     */
    default String tls() {
        return null;
    }
}
