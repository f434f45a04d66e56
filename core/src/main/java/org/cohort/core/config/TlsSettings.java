package org.cohort.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between members: this node's key and certificate, and the certificates it trusts. Each
 * store is a PKCS12 file ({@code .p12}, {@code .pfx}) or a PEM file ({@code .pem}, {@code .crt}; the
 * key store's holds the private key and the certificate chain). When enabled and a store cannot be
 * used, cluster I/O does not start: there is no plaintext fallback.
 *
 * @param enabled whether streams use TLS
 * @param keyStore this node's private key and certificate chain
 * @param keyStorePassword the key store's (and key's) password; empty for none
 * @param trustStore the certificates (a CA's, usually) a peer's certificate must chain to
 * @param trustStorePassword the trust store's password; empty for none
 * @param engine which TLS implementation runs the streams
 */
public record TlsSettings(boolean enabled, Path keyStore, String keyStorePassword, Path trustStore,
        String trustStorePassword, Engine engine) {

    /** TLS off. */
    public static final TlsSettings DISABLED = new TlsSettings(false, null, "", null, "");

    /**
     * The TLS implementation: Netty's OpenSSL engine (BoringSSL, from netty-tcnative) costs less CPU per
     * byte than the JDK's; both speak the same TLS 1.3 with the same checks.
     */
    public enum Engine {
        /** OpenSSL where it loads, the JDK's engine otherwise. */
        AUTO,
        /** The JDK's engine, always. */
        JDK,
        /** OpenSSL, or cluster I/O does not start. */
        OPENSSL
    }

    /** With the engine chosen automatically. */
    public TlsSettings(boolean enabled, Path keyStore, String keyStorePassword, Path trustStore,
            String trustStorePassword) {
        this(enabled, keyStore, keyStorePassword, trustStore, trustStorePassword, Engine.AUTO);
    }

    public TlsSettings {
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
        Objects.requireNonNull(engine, "engine");
        if (enabled) {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(trustStore, "trustStore");
        }
    }

    /** Whether a store file is PEM rather than PKCS12, by its name. */
    public static boolean isPem(Path store) {
        String name = store.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".pem") || name.endsWith(".crt");
    }

    /** The same settings with another engine. */
    public TlsSettings withEngine(Engine newEngine) {
        return new TlsSettings(enabled, keyStore, keyStorePassword, trustStore, trustStorePassword, newEngine);
    }

    @Override
    public String toString() {
        return enabled ? "TLS(key store " + keyStore + ", trust store " + trustStore + ", engine "
                + engine.name().toLowerCase(java.util.Locale.ROOT) + ")" : "TLS off";
    }
}
