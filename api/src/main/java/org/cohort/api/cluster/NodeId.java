package org.cohort.api.cluster;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The stable, human-readable identity of a cluster node; it names the node in config, logs, the shell
 * and (later) certificates, so it is restricted to a safe alphabet.
 */
@ProviderType
public final class NodeId implements Comparable<NodeId> {

    /** The longest id accepted, in characters. */
    public static final int MAX_LENGTH = 128;

    private final String id;

    private NodeId(String id) {
        this.id = id;
    }

    /**
     * Returns the node id for the given text.
     *
     * @param id 1 to {@value #MAX_LENGTH} characters of letters, digits, '.', '_', ':' or '-'
     * @return the node id
     * @throws NullPointerException if id is null
     * @throws IllegalArgumentException if id is empty, too long or has other characters
     */
    public static NodeId of(String id) {
        if (id == null) {
            throw new NullPointerException("node id must not be null");
        }
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "node id must have 1 to " + MAX_LENGTH + " characters, got " + id.length());
        }
        for (int i = 0; i < id.length(); i++) {
            if (!allowed(id.charAt(i))) {
                throw new IllegalArgumentException(
                        "node id may hold only letters, digits, '.', '_', ':' and '-': '" + id + "'");
            }
        }
        return new NodeId(id);
    }

    /**
     * Whether a character may appear in a node id: ASCII letters and digits, '.', '_', ':' and '-'. A loop
     * over this rather than a regex: a regex match allocates a matcher and its arrays, and ids are
     * validated on the message path.
     */
    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '.' || c == '_' || c == ':' || c == '-';
    }

    /**
     * Returns the id as text.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    @Override
    public int compareTo(NodeId other) {
        return id.compareTo(other.id);
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof NodeId && id.equals(((NodeId) other).id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
