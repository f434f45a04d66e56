package org.cohort.core.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.TlsSettings;

/**
 * The TLS contexts of a node's streams, built once at start from the configured stores (PKCS12, or PEM
 * read by Netty): TLS 1.3 only, a certificate required on both sides and checked against the trust
 * store. Netty's OpenSSL engine (netty-tcnative's BoringSSL) where it loads and {@code tls.engine}
 * allows, the JDK's otherwise: the same protocol and checks, less CPU per byte. Any problem with a store
 * is an {@link IllegalStateException} naming the store and why: the caller does not start, there is no
 * plaintext fallback.
 */
final class TlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3"};
    private static final int MAX_PEM_BYTES = 1 << 20;

    private final SslContext server;
    private final SslContext client;
    private final String engine;

    private TlsContexts(SslContext server, SslContext client, String engine) {
        this.server = server;
        this.client = client;
        this.engine = engine;
    }

    /** The engine the settings get here: the provider, and how the log names it (with why, for the JDK's). */
    record Choice(SslProvider provider, String description) {

        /** "OpenSSL" or "JDK". */
        String name() {
            return provider == SslProvider.JDK ? "JDK" : "OpenSSL";
        }
    }

    /**
     * Which engine runs TLS with these settings: OpenSSL if it loads, speaks TLS 1.3 and (for a PKCS12
     * store) takes a key manager; the JDK's otherwise, unless {@code tls.engine} is openssl.
     *
     * @throws IllegalStateException if the settings ask for OpenSSL and it cannot be used here
     */
    static Choice choose(TlsSettings tls) {
        if (tls.engine() == TlsSettings.Engine.JDK) {
            return new Choice(SslProvider.JDK, "JDK engine (tls.engine = jdk)");
        }
        String unusable = openSslUnusable(!TlsSettings.isPem(tls.keyStore()));
        if (unusable == null) {
            return new Choice(SslProvider.OPENSSL, "OpenSSL engine (" + OpenSsl.versionString() + ")");
        }
        if (tls.engine() == TlsSettings.Engine.OPENSSL) {
            throw new IllegalStateException("TLS is on with tls.engine = openssl but OpenSSL cannot be used here: "
                    + unusable);
        }
        return new Choice(SslProvider.JDK, "JDK engine (OpenSSL unavailable: " + unusable + ")");
    }

    /** Null if Netty's OpenSSL engine can serve these settings, otherwise why not. */
    private static String openSslUnusable(boolean keyManagerFactory) {
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            return cause == null ? "unknown" : cause.toString();
        }
        if (!SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
            return OpenSsl.versionString() + " without TLS 1.3";
        }
        if (keyManagerFactory && !OpenSsl.supportsKeyManagerFactory()) {
            return OpenSsl.versionString() + " cannot use a key manager (the PKCS12 key store)";
        }
        return null;
    }

    /** Builds both contexts, or fails saying which store is at fault. */
    static TlsContexts build(TlsSettings tls) {
        Choice engine = choose(tls);
        SslContextBuilder server;
        SslContextBuilder client;
        Path keyStore = tls.keyStore();
        if (TlsSettings.isPem(keyStore)) {
            // One PEM file holds the private key (PKCS#8, encrypted with the password or not) and its chain.
            File pem = readablePem(keyStore, "key store");
            String password = tls.keyStorePassword().isEmpty() ? null : tls.keyStorePassword();
            try {
                server = SslContextBuilder.forServer(pem, pem, password);
                client = SslContextBuilder.forClient().keyManager(pem, pem, password);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("TLS is on but key store " + keyStore + " cannot be used: "
                        + describePem(e), e);
            }
        } else {
            KeyManagerFactory keys = keyManagers(tls);
            server = SslContextBuilder.forServer(keys);
            client = SslContextBuilder.forClient().keyManager(keys);
        }
        Path trustStore = tls.trustStore();
        if (TlsSettings.isPem(trustStore)) {
            File pem = readablePem(trustStore, "trust store");
            try {
                server.trustManager(pem);
                client.trustManager(pem);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("TLS is on but trust store " + trustStore + " cannot be used: "
                        + describePem(e), e);
            }
        } else {
            TrustManagerFactory trust = trustManagers(tls);
            server.trustManager(trust);
            client.trustManager(trust);
        }
        try {
            // No host name check on the client (Netty 4.2 turns HTTPS's on for clients): members are dialed
            // by IP, and the certificate is checked against the node id the peer's hello claims instead.
            return new TlsContexts(
                    server.clientAuth(ClientAuth.REQUIRE).sslProvider(engine.provider()).protocols(PROTOCOLS).build(),
                    client.endpointIdentificationAlgorithm(null).sslProvider(engine.provider()).protocols(PROTOCOLS)
                            .build(),
                    engine.description());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("TLS is on but its contexts cannot be built: " + e.getMessage(), e);
        }
    }

    /** A PEM store Netty may read: there, readable, and small (a PEM store is a few KiB). */
    private static File readablePem(Path path, String what) {
        String why;
        try {
            if (!Files.isReadable(path)) {
                why = Files.exists(path) ? "not readable" : "no such file";
            } else if (Files.size(path) > MAX_PEM_BYTES) {
                why = "larger than " + MAX_PEM_BYTES + " bytes";
            } else {
                return path.toFile();
            }
        } catch (IOException e) {
            why = describe(e);
        }
        throw new IllegalStateException("TLS is on but " + what + " " + path + " cannot be used: " + why);
    }

    /** Netty's reason for refusing a PEM file, with the underlying one (no key block, a wrong password...). */
    private static String describePem(IllegalArgumentException e) {
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? describe(e) : e.getMessage() + ": " + cause.getMessage();
    }

    /** The engine, as the start line names it: "OpenSSL engine (BoringSSL)", "JDK engine (...why...)". */
    String engine() {
        return engine;
    }

    SslContext server() {
        return server;
    }

    SslContext client() {
        return client;
    }

    private static KeyManagerFactory keyManagers(TlsSettings tls) {
        Path path = tls.keyStore();
        try {
            KeyStore store = load(path, tls.keyStorePassword());
            if (!hasKey(store)) {
                throw new IllegalStateException("TLS is on but key store " + path + " holds no private key");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, tls.keyStorePassword().toCharArray());
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("TLS is on but key store " + path + " cannot be used: " + describe(e), e);
        }
    }

    private static TrustManagerFactory trustManagers(TlsSettings tls) {
        Path path = tls.trustStore();
        try {
            KeyStore store = load(path, tls.trustStorePassword());
            if (store.size() == 0) {
                throw new IllegalStateException("TLS is on but trust store " + path + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("TLS is on but trust store " + path + " cannot be used: " + describe(e),
                    e);
        }
    }

    private static KeyStore load(Path path, String password) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(path)) {
            throw new IOException(Files.exists(path) ? "not readable" : "no such file");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static boolean hasKey(KeyStore store) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * Whether a peer's certificate names the node: its subject's CN, or one of its DNS subject
     * alternative names, equals the node id.
     */
    static boolean names(Certificate certificate, NodeId node) {
        if (!(certificate instanceof X509Certificate x509)) {
            return false;
        }
        try {
            Collection<List<?>> alternatives = x509.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0)) && node.id().equals(alternative.get(1))) {
                        return true;
                    }
                }
            }
            for (Rdn rdn : new LdapName(x509.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && node.id().equals(String.valueOf(rdn.getValue()))) {
                    return true;
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            return false;
        }
        return false;
    }
}
