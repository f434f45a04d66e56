package org.cohort.core.config;

/**
 * A value of the cluster configuration (PID {@value ClusterConfig#PID}) was refused. The message is
 * one line naming the key and the value, fit to be logged as it is, for example
 * {@code org.cohort.cluster: members = 'n1@300.1.1.1:9876' refused: 300.1.1.1 is not an IP address}.
 */
public final class InvalidConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String rejectedValue;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param key the refused key
     * @param rejectedValue the refused value as configured, as text
     * @param reason why it is refused
     */
    public InvalidConfigurationException(String key, String rejectedValue, String reason) {
        super(oneLine(ClusterConfig.PID + ": " + key + " = '" + rejectedValue + "' refused: " + reason));
        this.key = key;
        this.rejectedValue = rejectedValue;
        this.reason = reason;
    }

    /**
     * Returns the refused key.
     *
     * @return the key, such as {@code members}
     */
    public String key() {
        return key;
    }

    /**
     * Returns the refused value, as configured.
     *
     * @return the value as text
     */
    public String rejectedValue() {
        return rejectedValue;
    }

    /**
     * Returns why the value is refused.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    /** Escapes line breaks and other control characters, so a value cannot forge log lines. */
    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
