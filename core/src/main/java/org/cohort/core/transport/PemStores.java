package org.cohort.core.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PEM files as key stores: certificates ({@code CERTIFICATE} blocks) and a PKCS#8 private key
 * ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with the password), RSA or EC.
 */
final class PemStores {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final int MAX_PEM_BYTES = 1 << 20;

    private PemStores() {
    }

    /** A key store of the file's private key with its certificate chain, under the password. */
    static KeyStore keyStore(Path path, String password) throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        for (Block block : blocks(path)) {
            switch (block.type) {
                case "CERTIFICATE" -> chain.add(certificate(block.der));
                case "PRIVATE KEY" -> key = privateKey(block.der);
                case "ENCRYPTED PRIVATE KEY" -> key = privateKey(decrypt(block.der, password));
                default -> {
                    // other blocks (parameters, say) are not ours
                }
            }
        }
        if (key == null) {
            throw new GeneralSecurityException("no PKCS#8 PRIVATE KEY block");
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no CERTIFICATE block");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("node", key, password.toCharArray(), chain.toArray(Certificate[]::new));
        return store;
    }

    /** A key store of the file's certificates, each trusted. */
    static KeyStore trustStore(Path path) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (Block block : blocks(path)) {
            if (block.type.equals("CERTIFICATE")) {
                store.setCertificateEntry("ca-" + n++, certificate(block.der));
            }
        }
        return store;
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path path) throws IOException {
        if (!Files.isReadable(path)) {
            throw new IOException(Files.exists(path) ? "not readable" : "no such file");
        }
        if (Files.size(path) > MAX_PEM_BYTES) {
            throw new IOException("larger than " + MAX_PEM_BYTES + " bytes");
        }
        String text = Files.readString(path, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
        }
        if (blocks.isEmpty()) {
            throw new IOException("not a PEM file");
        }
        return blocks;
    }

    private static Certificate certificate(byte[] der) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("a private key that is not RSA, EC or Ed25519", last);
    }

    private static byte[] decrypt(byte[] der, String password) throws IOException, GeneralSecurityException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())),
                info.getAlgParameters());
        return info.getKeySpec(cipher).getEncoded();
    }
}
