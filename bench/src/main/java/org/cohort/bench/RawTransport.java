package org.cohort.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The raw-TCP baseline: blocking {@code java.net} sockets, one per pair of nodes (the lower number dials),
 * frames {@code [u32 length][u8 type][u64 request id, requests and replies only][payload]}. Receiving is a
 * reader thread per socket that hands each message to the workload on that thread. Sending is either
 * {@link Mode#BUFFERED}: the frame (the caller's array, not a copy) waits in a queue drained by a writer
 * thread per socket into a 64 KiB stream buffer, which it flushes when the queue runs empty; or {@link Mode#INLINE}: the caller writes the frame and flushes it
 * itself, one syscall per message. Each socket is a {@link RawLink}.
 */
final class RawTransport implements Transport {

    /** How frames leave. */
    enum Mode {
        BUFFERED, INLINE
    }

    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(30);

    private final Mode mode;
    private final int self;
    private final List<InetSocketAddress> nodes;
    private final boolean blockingClient;
    private final RawLink[] links;
    private final CountDownLatch connected;
    /** raw-tls: each socket runs TLS as Cohort's streams do; null for plaintext. */
    private final RawTls tls;
    private volatile String tlsSession;
    private final Map<Lane, Receiver> receivers = new EnumMap<>(Lane.class);
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final AtomicLong readerFailures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile UnaryOperator<byte[]> requestHandler;
    private volatile boolean closed;
    private ServerSocket server;

    /**
     * @param blockingClient the links this node dials get no reader thread: {@link #requestAndWait} writes
     *     the request and reads the reply on the caller's thread (the one-outstanding inline baseline)
     */
    RawTransport(Mode mode, int self, List<InetSocketAddress> nodes, boolean blockingClient) {
        this(mode, self, nodes, blockingClient, null);
    }

    /** @param tls the contexts of this node's TLS sessions (raw-tls), null for plaintext */
    RawTransport(Mode mode, int self, List<InetSocketAddress> nodes, boolean blockingClient, RawTls tls) {
        this.tls = tls;
        this.mode = mode;
        this.self = self;
        this.nodes = List.copyOf(nodes);
        this.blockingClient = blockingClient;
        this.links = new RawLink[nodes.size() + 1];
        this.connected = new CountDownLatch(nodes.size() - 1);
    }

    @Override
    public void onMessage(Lane lane, Receiver receiver) {
        receivers.put(lane, receiver);
    }

    @Override
    public void onRequest(UnaryOperator<byte[]> handler) {
        requestHandler = handler;
    }

    @Override
    public void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(nodes.get(self - 1), 64);
        thread("raw-acceptor", this::accept);
        for (int peer = self + 1; peer <= nodes.size(); peer++) {
            int target = peer;
            thread("raw-dial-" + peer, () -> dial(target));
        }
    }

    private void accept() {
        try {
            while (!closed) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                int peer = new DataInputStream(socket.getInputStream()).readInt();
                register(peer, socket, true, false);
            }
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void dial(int peer) {
        long deadline = System.nanoTime() + DIAL_TIMEOUT.toNanos();
        while (!closed) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.bind(new InetSocketAddress(nodes.get(self - 1).getAddress(), 0));
                socket.connect(nodes.get(peer - 1), 1000);
                DataOutputStream hello = new DataOutputStream(socket.getOutputStream());
                hello.writeInt(self);
                hello.flush();
                register(peer, socket, !blockingClient, true);
                return;
            } catch (IOException e) {
                RawLink.closeQuietly(socket);
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot reach node " + peer, e);
                }
                sleep(50);
            }
        }
    }

    private void register(int peer, Socket socket, boolean withReader, boolean dialed) throws IOException {
        RawTls.Streams session = null;
        if (tls != null) {
            // The handshake, before the link's threads start: the dialer is the client, as with Cohort.
            session = tls.open(socket.getInputStream(), socket.getOutputStream(), dialed);
            tlsSession = tls.engine() + ", " + session.session();
        }
        RawLink link = new RawLink(peer, socket, session, mode, () -> closed, readerFailures);
        links[peer] = link;
        if (withReader) {
            thread("raw-reader-" + peer, () -> link.read(this::received));
        }
        if (mode == Mode.BUFFERED) {
            thread("raw-writer-" + peer, link::writeQueued);
        }
        connected.countDown();
    }

    @Override
    public void awaitConnected(Duration timeout) throws InterruptedException {
        if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("raw links not all connected within " + timeout);
        }
    }

    @Override
    public List<Integer> peers() {
        List<Integer> peers = new ArrayList<>();
        for (int k = 1; k <= nodes.size(); k++) {
            if (k != self) {
                peers.add(k);
            }
        }
        return peers;
    }

    @Override
    public boolean send(int to, Lane lane, byte[] payload) {
        links[to].send(lane == Lane.DATA ? RawLink.DATA : RawLink.CREDIT, -1, payload);
        return true;
    }

    @Override
    public int broadcast(Lane lane, byte[] payload) {
        int accepted = 0;
        for (int peer = 1; peer < links.length; peer++) {
            if (peer != self && send(peer, lane, payload)) {
                accepted++;
            }
        }
        return accepted;
    }

    @Override
    public CompletableFuture<byte[]> request(int to, byte[] payload) {
        long id = nextRequestId.incrementAndGet();
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        pending.put(id, future);
        links[to].send(RawLink.REQUEST, id, payload);
        return future;
    }

    @Override
    public byte[] requestAndWait(int to, byte[] payload) throws Exception {
        if (!blockingClient) {
            return Transport.super.requestAndWait(to, payload);
        }
        RawLink link = links[to];
        long id = nextRequestId.incrementAndGet();
        link.send(RawLink.REQUEST, id, payload);
        return link.readReply(id);
    }

    /** Hands a frame read by a link's reader on, on that thread. */
    private void received(RawLink link, byte type, long id, byte[] payload) throws IOException {
        switch (type) {
            case RawLink.DATA -> receivers.get(Lane.DATA).receive(payload);
            case RawLink.CREDIT -> receivers.get(Lane.CREDIT).receive(payload);
            case RawLink.REQUEST -> link.send(RawLink.REPLY, id, requestHandler.apply(payload));
            case RawLink.REPLY -> {
                CompletableFuture<byte[]> future = pending.remove(id);
                if (future != null) {
                    future.complete(payload);
                }
            }
            default -> throw new IOException("unknown frame type " + type + " from node " + link.peer);
        }
    }

    @Override
    public String tls() {
        return tlsSession;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("raw.readerFailures", readerFailures.get());
        counters.put("raw.pendingRequests", (long) pending.size());
        return counters;
    }

    @Override
    public void close() {
        closed = true;
        RawLink.closeQuietly(server);
        for (RawLink link : links) {
            if (link != null) {
                link.close();
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
