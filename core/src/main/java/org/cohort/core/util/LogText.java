package org.cohort.core.util;

/**
 * Makes text that came from the network safe to log on one line: control characters are escaped, so a
 * peer cannot forge log lines, and the length is capped.
 */
public final class LogText {

    private static final int MAX_CHARS = 1024;

    private LogText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        for (int i = 0; i < text.length() && out.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        if (text.length() > MAX_CHARS) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
