package org.cohort.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One socket of the raw-TCP baseline to one peer: writes frames {@code [u32 length][u8 type][u64 request
 * id, requests and replies only][payload]} inline or through its writer's queue, and reads them on its
 * reader thread.
 */
final class RawLink {

    static final byte DATA = 1;
    static final byte CREDIT = 2;
    static final byte REQUEST = 3;
    static final byte REPLY = 4;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Where the reader thread hands each frame, on that thread. */
    @FunctionalInterface
    interface Inbox {
        /**
         * @param link the link it came on
         * @param type its type
         * @param id its request id, -1 for data and credit
         * @param payload its payload
         * @throws IOException if the frame makes no sense
         */
        void frame(RawLink link, byte type, long id, byte[] payload) throws IOException;
    }

    final int peer;
    final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final BlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
    private final RawTransport.Mode mode;
    private final BooleanSupplier closed;
    private final AtomicLong readerFailures;

    /**
     * @param peer the node at the other end
     * @param socket the connected socket
     * @param tls the TLS session over its streams (raw-tls), or null for plaintext
     * @param mode how frames leave
     * @param closed whether the transport is closed, so that errors then are expected
     * @param readerFailures counts the reader threads that ended by an error
     */
    RawLink(int peer, Socket socket, RawTls.Streams tls, RawTransport.Mode mode, BooleanSupplier closed,
            AtomicLong readerFailures) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.mode = mode;
        this.closed = closed;
        this.readerFailures = readerFailures;
        // With TLS the same buffers sit above the engine: the writer's 64 KiB become four records and one
        // socket write, and a read unwraps up to 64 KiB straight into the reader's buffer.
        this.in = new DataInputStream(new BufferedInputStream(tls == null ? socket.getInputStream() : tls.in,
                BUFFER_BYTES));
        this.out = new DataOutputStream(new BufferedOutputStream(tls == null ? socket.getOutputStream() : tls.out,
                BUFFER_BYTES));
    }

    void send(byte type, long id, byte[] payload) {
        if (mode == RawTransport.Mode.BUFFERED) {
            // The queue holds the caller's array, not a copy: payloads are handed over, as with Cohort's
            // API, so the writer copies each byte once (into its stream buffer; a payload at least as
            // large as that buffer goes to the socket straight from the array).
            queue.add(new Frame(type, id, payload));
            return;
        }
        try {
            synchronized (out) {
                writeFrame(type, id, payload);
                out.flush();
            }
        } catch (IOException e) {
            if (!closed.getAsBoolean()) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void writeFrame(byte type, long id, byte[] payload) throws IOException {
        int idBytes = id < 0 ? 0 : 8;
        out.writeInt(1 + idBytes + payload.length);
        out.writeByte(type);
        if (idBytes > 0) {
            out.writeLong(id);
        }
        out.write(payload);
    }

    /** Reads the reply to the request on the caller's thread: for links without a reader thread. */
    byte[] readReply(long id) throws IOException {
        int length = in.readInt();
        byte type = in.readByte();
        long replyId = in.readLong();
        if (type != REPLY || replyId != id) {
            throw new IOException("expected the reply to " + id + ", got type " + type + " id " + replyId);
        }
        byte[] reply = new byte[length - 9];
        in.readFully(reply);
        return reply;
    }

    /** The writer thread of {@link RawTransport.Mode#BUFFERED}: writes what is queued, flushes when it runs out. */
    void writeQueued() {
        try {
            while (!closed.getAsBoolean()) {
                Frame frame = queue.take();
                do {
                    if (frame == Frame.WAKE_UP) {
                        return;
                    }
                    writeFrame(frame.type, frame.id, frame.payload);
                } while ((frame = queue.poll()) != null);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closed.getAsBoolean()) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The reader thread: hands each message on, on this thread. */
    void read(Inbox inbox) {
        try {
            while (!closed.getAsBoolean()) {
                int length = in.readInt();
                byte type = in.readByte();
                long id = type == REQUEST || type == REPLY ? in.readLong() : -1;
                byte[] payload = new byte[length - 1 - (id < 0 ? 0 : 8)];
                in.readFully(payload);
                inbox.frame(this, type, id, payload);
            }
        } catch (EOFException | SocketException e) {
            if (!closed.getAsBoolean()) {
                readerFailures.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.getAsBoolean()) {
                readerFailures.incrementAndGet();
                e.printStackTrace();
            }
        }
    }

    /** Closes the socket and wakes the writer. */
    void close() {
        closeQuietly(socket);
        queue.offer(Frame.WAKE_UP);
    }

    /** A frame waiting for the writer: its payload is the caller's array. */
    private record Frame(byte type, long id, byte[] payload) {
        static final Frame WAKE_UP = new Frame((byte) 0, -1, new byte[0]);
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
