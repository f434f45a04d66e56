package org.cohort.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The secret every member shares when {@code cluster.secret} is set: it proves membership in the
 * handshake and never crosses the wire. Equal by content; never printed.
 */
public final class ClusterSecret {

    /** No secret: members are not authenticated by one. */
    public static final ClusterSecret NONE = new ClusterSecret(new byte[0]);

    private final byte[] key;

    private ClusterSecret(byte[] key) {
        this.key = key;
    }

    /** The secret of a {@code cluster.secret} value, its UTF-8 bytes; an empty value is {@link #NONE}. */
    public static ClusterSecret of(String value) {
        return value.isEmpty() ? NONE : new ClusterSecret(value.getBytes(StandardCharsets.UTF_8));
    }

    public boolean isSet() {
        return key.length > 0;
    }

    /** A copy of the key bytes. */
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterSecret that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return isSet() ? "ClusterSecret[set]" : "ClusterSecret[none]";
    }
}
