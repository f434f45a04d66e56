package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The name a message is sent under; receivers subscribe to subjects, so two bundles that agree on a
 * subject agree on the payload type carried under it.
 */
@ProviderType
public final class MessageSubject implements Comparable<MessageSubject> {

    /** The longest subject accepted, in characters. */
    public static final int MAX_LENGTH = 255;

    private final String value;

    private MessageSubject(String value) {
        this.value = value;
    }

    /**
     * Returns the subject with the given name.
     *
     * @param value 1 to {@value #MAX_LENGTH} characters, no whitespace or control characters
     * @return the subject
     * @throws NullPointerException if value is null
     * @throws IllegalArgumentException if value is empty, too long, or has whitespace or control
     *     characters
     */
    public static MessageSubject of(String value) {
        if (value == null) {
            throw new NullPointerException("message subject must not be null");
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "message subject must have 1 to " + MAX_LENGTH + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "message subject must not hold whitespace or control characters: '" + value + "'");
            }
        }
        return new MessageSubject(value);
    }

    /**
     * Returns the subject's name.
     *
     * @return the name
     */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(MessageSubject other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof MessageSubject && value.equals(((MessageSubject) other).value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
