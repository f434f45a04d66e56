package org.cohort.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the raw baseline (raw-tls): an {@link SSLEngine} from a Netty {@link SslContext} built as
 * Cohort's TlsContexts builds it (TLS 1.3 only, a certificate on both sides, no host name check, Netty's
 * default cipher suites; OpenSSL where it loads, the JDK's engine otherwise), driven by hand over the
 * blocking socket streams, so that raw-tls and cohort-tls run the same engine and cipher.
 */
final class RawTls {

    private static final String[] PROTOCOLS = {"TLSv1.3"};
    /** How much ciphertext a socket read takes at most, and how much a socket write gathers: several records. */
    private static final int NET_BYTES = 64 * 1024;

    private final SslContext server;
    private final SslContext client;
    private final String engine;

    /**
     * Both contexts of node {@code nodeId}, from the stores {@link Certificates} made in {@code dir}.
     *
     * @param engine Cohort's {@code tls.engine} for this run (auto, jdk or openssl), so that both TLS systems
     *     run the same engine when --cohort-config sets it
     */
    RawTls(Path dir, String nodeId, String engine) throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(Certificates.keyStore(dir, nodeId)), Certificates.PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(Certificates.trustStore(dir)));
        // Cohort's choice (TlsContexts.choose, PKCS12 stores).
        boolean openSsl = !engine.equalsIgnoreCase("jdk") && OpenSsl.isAvailable()
                && SslProvider.isTlsv13Supported(SslProvider.OPENSSL) && OpenSsl.supportsKeyManagerFactory();
        if (engine.equalsIgnoreCase("openssl") && !openSsl) {
            throw new IllegalStateException("tls.engine = openssl but OpenSSL cannot be used here: "
                    + OpenSsl.unavailabilityCause());
        }
        SslProvider provider = openSsl ? SslProvider.OPENSSL : SslProvider.JDK;
        this.engine = openSsl ? "OpenSSL engine (" + OpenSsl.versionString() + ")"
                : "JDK engine" + (engine.equalsIgnoreCase("jdk") ? " (tls.engine = jdk)" : "");
        this.server = SslContextBuilder.forServer(keys).trustManager(trust).clientAuth(ClientAuth.REQUIRE)
                .sslProvider(provider).protocols(PROTOCOLS).build();
        this.client = SslContextBuilder.forClient().keyManager(keys).trustManager(trust)
                .endpointIdentificationAlgorithm(null).sslProvider(provider).protocols(PROTOCOLS).build();
    }

    private static KeyStore load(Path path) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, Certificates.PASSWORD.toCharArray());
        }
        return store;
    }

    /** "OpenSSL engine (BoringSSL)" or "JDK engine". */
    String engine() {
        return engine;
    }

    /** Runs the handshake over the socket's streams (blocking) and returns the streams of the session. */
    Streams open(InputStream socketIn, OutputStream socketOut, boolean clientMode) throws IOException {
        SSLEngine sslEngine = (clientMode ? client : server).newEngine(ByteBufAllocator.DEFAULT);
        Streams streams = new Streams(sslEngine, socketIn, socketOut);
        streams.handshake();
        return streams;
    }

    /**
     * One TLS session over a socket's streams. The writer thread alone writes, the reader thread alone reads
     * (the engine allows a wrap and an unwrap at once). Plaintext goes into the engine straight from the
     * caller's array and comes out straight into the caller's array when that can hold a whole record (the
     * link's 64 KiB stream buffer and large payloads can): the only buffers here hold ciphertext.
     */
    static final class Streams {

        private final SSLEngine engine;
        private final InputStream socketIn;
        private final OutputStream socketOut;
        private final int recordBytes;
        private final int packetBytes;
        /** Ciphertext read and not unwrapped yet: written from position, read in [0, position) after flip. */
        private final ByteBuffer netIn;
        /** Plaintext unwrapped for a caller whose array was too small for a record. */
        private final ByteBuffer appIn;
        /** Ciphertext wrapped and not written yet. */
        private final ByteBuffer netOut;
        private final ByteBuffer empty = ByteBuffer.allocate(0);
        final InputStream in = new TlsIn();
        final OutputStream out = new TlsOut();

        Streams(SSLEngine engine, InputStream socketIn, OutputStream socketOut) {
            this.engine = engine;
            this.socketIn = socketIn;
            this.socketOut = socketOut;
            this.packetBytes = engine.getSession().getPacketBufferSize();
            this.recordBytes = engine.getSession().getApplicationBufferSize();
            this.netIn = ByteBuffer.allocate(NET_BYTES + packetBytes);
            this.appIn = ByteBuffer.allocate(recordBytes);
            this.appIn.flip();
            this.netOut = ByteBuffer.allocate(NET_BYTES + packetBytes);
        }

        /** The negotiated protocol and cipher suite, e.g. "TLSv1.3 TLS_AES_128_GCM_SHA256". */
        String session() {
            return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        SSLEngineResult result = engine.wrap(empty, netOut);
                        check(result);
                        writeNetOut();
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult result = engine.unwrap(netIn, appIn.compact());
                        netIn.compact();
                        appIn.flip();
                        // OpenSSL may finish (after the task that checked the peer's certificate) in an
                        // unwrap that reports an underflow: read more only if it still wants to unwrap.
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                                && result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                                && fill() < 0) {
                            throw new EOFException("the peer closed during the TLS handshake");
                        }
                        check(result);
                    }
                    case NEED_TASK -> runTasks();
                    default -> {
                        return; // FINISHED, NOT_HANDSHAKING
                    }
                }
            }
        }

        private void check(SSLEngineResult result) throws SSLException {
            if (result.getStatus() == SSLEngineResult.Status.CLOSED
                    || result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("TLS handshake failed: " + result);
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }

        /** Reads what the socket has into netIn; -1 at its end. */
        private int fill() throws IOException {
            int n = socketIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n > 0) {
                netIn.position(netIn.position() + n);
            }
            return n;
        }

        private void writeNetOut() throws IOException {
            netOut.flip();
            socketOut.write(netOut.array(), netOut.arrayOffset(), netOut.limit());
            netOut.clear();
        }

        /** Decrypts into the caller's array. */
        private final class TlsIn extends InputStream {

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (true) {
                    if (appIn.hasRemaining()) {
                        int n = Math.min(len, appIn.remaining());
                        appIn.get(b, off, n);
                        return n;
                    }
                    // Room for a whole record: unwrap straight into the caller's array (OpenSSL may put
                    // several records there in one call).
                    boolean direct = len >= recordBytes;
                    ByteBuffer dst = direct ? ByteBuffer.wrap(b, off, len) : appIn.clear();
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, dst);
                    netIn.compact();
                    if (!direct) {
                        appIn.flip();
                    }
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    switch (result.getStatus()) {
                        case OK -> {
                            if (direct && result.bytesProduced() > 0) {
                                return result.bytesProduced() + more(dst);
                            }
                            // else: plaintext in appIn, or a post-handshake message (a session ticket)
                        }
                        case BUFFER_UNDERFLOW -> {
                            if (fill() < 0) {
                                return -1;
                            }
                        }
                        case CLOSED -> {
                            return -1;
                        }
                        case BUFFER_OVERFLOW -> throw new SSLException("no room to unwrap a record into: " + result);
                    }
                }
            }
        }

        /**
         * After a record went into the caller's array: the records already read behind it too, while the
         * array has room for one, without waiting for the socket.
         */
        private int more(ByteBuffer dst) throws IOException {
            int produced = 0;
            while (dst.remaining() >= recordBytes && netIn.position() > 0) {
                netIn.flip();
                SSLEngineResult result = engine.unwrap(netIn, dst);
                netIn.compact();
                if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
                    break; // a partial record (BUFFER_UNDERFLOW) waits for the next read; CLOSED shows then
                }
                produced += result.bytesProduced();
            }
            return produced;
        }

        /** Encrypts from the caller's array: records of up to 16 KiB, written to the socket several at a time. */
        private final class TlsOut extends OutputStream {

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer src = ByteBuffer.wrap(b, off, len);
                while (src.hasRemaining()) {
                    SSLEngineResult result = engine.wrap(src, netOut);
                    switch (result.getStatus()) {
                        case OK -> {
                            if (netOut.remaining() < packetBytes) {
                                writeNetOut();
                            }
                        }
                        case BUFFER_OVERFLOW -> writeNetOut();
                        default -> throw new SSLException("cannot wrap: " + result);
                    }
                }
            }

            /** Writes out whatever was wrapped: the link flushes when its queue runs empty. */
            @Override
            public void flush() throws IOException {
                if (netOut.position() > 0) {
                    writeNetOut();
                }
                socketOut.flush();
            }
        }
    }
}
