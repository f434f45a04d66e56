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
 */
public record TlsSettings(boolean enabled, Path keyStore, String keyStorePassword, Path trustStore,
        String trustStorePassword) {

    /** TLS off. */
    public static final TlsSettings DISABLED = new TlsSettings(false, null, "", null, "");

    public TlsSettings {
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
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

    @Override
    public String toString() {
        return enabled ? "TLS(key store " + keyStore + ", trust store " + trustStore + ")" : "TLS off";
    }
}
