package org.cohort.api.cluster;

import java.util.regex.Pattern;

/**
 * The stable, human-readable identity of a cluster node; it names the node in config, logs, the shell
 * and (later) certificates, so it is restricted to a safe alphabet.
 */
public final class NodeId implements Comparable<NodeId> {

    /** The longest id accepted, in characters. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]+");

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
        if (!ALLOWED.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "node id may hold only letters, digits, '.', '_', ':' and '-': '" + id + "'");
        }
        return new NodeId(id);
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
