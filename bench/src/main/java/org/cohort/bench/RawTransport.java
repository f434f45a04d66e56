package org.cohort.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The raw-TCP baseline: blocking {@code java.net} sockets, one per pair of nodes (the lower number dials),
 * frames {@code [u32 length][u8 type][u64 request id, requests and replies only][payload]}. Receiving is a
 * reader thread per socket that hands each message to the workload on that thread. Sending is either
 * {@link Mode#BUFFERED}: the frame is copied into a queue drained by a writer thread per socket, which
 * flushes when the queue runs empty; or {@link Mode#INLINE}: the caller writes the frame and flushes it
 * itself, one syscall per message.
 */
final class RawTransport implements Transport {

    /** How frames leave. */
    enum Mode {
        BUFFERED, INLINE
    }

    private static final byte DATA = 1;
    private static final byte CREDIT = 2;
    private static final byte REQUEST = 3;
    private static final byte REPLY = 4;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(30);

    private final Mode mode;
    private final int self;
    private final List<InetSocketAddress> nodes;
    private final boolean blockingClient;
    private final Link[] links;
    private final CountDownLatch connected;
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
        this.mode = mode;
        this.self = self;
        this.nodes = List.copyOf(nodes);
        this.blockingClient = blockingClient;
        this.links = new Link[nodes.size() + 1];
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
                register(peer, socket, true);
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
                register(peer, socket, !blockingClient);
                return;
            } catch (IOException e) {
                closeQuietly(socket);
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot reach node " + peer, e);
                }
                sleep(50);
            }
        }
    }

    private void register(int peer, Socket socket, boolean withReader) throws IOException {
        Link link = new Link(peer, socket);
        links[peer] = link;
        if (withReader) {
            thread("raw-reader-" + peer, link::read);
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
        links[to].send(lane == Lane.DATA ? DATA : CREDIT, -1, payload);
        return true;
    }

    @Override
    public void broadcast(Lane lane, byte[] payload) {
        for (int peer = 1; peer < links.length; peer++) {
            if (peer != self) {
                send(peer, lane, payload);
            }
        }
    }

    @Override
    public CompletableFuture<byte[]> request(int to, byte[] payload) {
        long id = nextRequestId.incrementAndGet();
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        pending.put(id, future);
        links[to].send(REQUEST, id, payload);
        return future;
    }

    @Override
    public byte[] requestAndWait(int to, byte[] payload) throws Exception {
        if (!blockingClient) {
            return Transport.super.requestAndWait(to, payload);
        }
        Link link = links[to];
        long id = nextRequestId.incrementAndGet();
        link.send(REQUEST, id, payload);
        int length = link.in.readInt();
        byte type = link.in.readByte();
        long replyId = link.in.readLong();
        if (type != REPLY || replyId != id) {
            throw new IOException("expected the reply to " + id + ", got type " + type + " id " + replyId);
        }
        byte[] reply = new byte[length - 9];
        link.in.readFully(reply);
        return reply;
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
        closeQuietly(server);
        for (Link link : links) {
            if (link != null) {
                closeQuietly(link.socket);
                link.queue.offer(new byte[0]); // wakes the writer
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

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One socket to one peer. */
    private final class Link {
        final int peer;
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

        Link(int peer, Socket socket) throws IOException {
            this.peer = peer;
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES));
        }

        void send(byte type, long id, byte[] payload) {
            int idBytes = id < 0 ? 0 : 8;
            if (mode == Mode.BUFFERED) {
                // The caller may reuse its array as soon as this returns: the queue holds a copy.
                ByteBuffer frame = ByteBuffer.allocate(5 + idBytes + payload.length);
                frame.putInt(1 + idBytes + payload.length).put(type);
                if (idBytes > 0) {
                    frame.putLong(id);
                }
                frame.put(payload);
                queue.add(frame.array());
                return;
            }
            try {
                synchronized (out) {
                    out.writeInt(1 + idBytes + payload.length);
                    out.writeByte(type);
                    if (idBytes > 0) {
                        out.writeLong(id);
                    }
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        /** The writer thread of {@link Mode#BUFFERED}: writes what is queued, flushes when it runs out. */
        void writeQueued() {
            try {
                while (!closed) {
                    byte[] frame = queue.take();
                    do {
                        out.write(frame);
                    } while ((frame = queue.poll()) != null);
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        /** The reader thread: hands each message on, on this thread. */
        void read() {
            try {
                while (!closed) {
                    int length = in.readInt();
                    byte type = in.readByte();
                    long id = type == REQUEST || type == REPLY ? in.readLong() : -1;
                    byte[] payload = new byte[length - 1 - (id < 0 ? 0 : 8)];
                    in.readFully(payload);
                    switch (type) {
                        case DATA -> receivers.get(Lane.DATA).receive(payload);
                        case CREDIT -> receivers.get(Lane.CREDIT).receive(payload);
                        case REQUEST -> send(REPLY, id, requestHandler.apply(payload));
                        case REPLY -> {
                            CompletableFuture<byte[]> future = pending.remove(id);
                            if (future != null) {
                                future.complete(payload);
                            }
                        }
                        default -> throw new IOException("unknown frame type " + type + " from node " + peer);
                    }
                }
            } catch (EOFException | SocketException e) {
                if (!closed) {
                    readerFailures.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    readerFailures.incrementAndGet();
                    e.printStackTrace();
                }
            }
        }
    }
}
