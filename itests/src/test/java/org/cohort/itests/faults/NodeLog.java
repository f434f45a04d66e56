package org.cohort.itests.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's {@code data/log/karaf.log}, read as timestamped entries. The membership lines ({@code Node
 * node-2 is ACTIVE (incarnation N)}, {@code Node node-2 is INACTIVE}) and {@code Cluster I/O started}
 * carry the millisecond at which a node saw something happen, which polling the shell over SSH could
 * only resolve to about a second: scenario timings are read from here.
 */
public final class NodeLog {

    /** One log entry: its first line's time, level and message, and its continuation lines (stack traces). */
    public record Entry(Instant time, String level, String logger, String message, String text) {
    }

    /** A membership transition as one node logged it. */
    public record Transition(Instant time, String node, boolean active, String incarnation) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");
    private static final Pattern HEAD = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3}) \\| (\\w+)\\s*\\| [^|]*\\| (\\S+)\\s*\\| [^|]*\\| (.*)$");
    private static final Pattern TRANSITION = Pattern.compile(
            "^Node (\\S+) is (ACTIVE|INACTIVE)(?: \\(incarnation (\\d+)\\))?$");

    private final List<Entry> entries;

    private NodeLog(List<Entry> entries) {
        this.entries = entries;
    }

    /** Reads the log now (an absent log reads as empty). */
    public static NodeLog read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return new NodeLog(entries);
        }
        Entry current = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            Matcher head = HEAD.matcher(line);
            if (head.matches()) {
                if (current != null) {
                    entries.add(withText(current, text));
                }
                current = new Entry(LocalDateTime.parse(head.group(1), TIME).atZone(ZoneId.systemDefault()).toInstant(),
                        head.group(2), head.group(3), head.group(4), null);
                text.setLength(0);
                text.append(line);
            } else if (current != null) {
                text.append('\n').append(line);
            }
        }
        if (current != null) {
            entries.add(withText(current, text));
        }
        return new NodeLog(entries);
    }

    private static Entry withText(Entry entry, StringBuilder text) {
        return new Entry(entry.time(), entry.level(), entry.logger(), entry.message(), text.toString());
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The membership transitions this node logged, in order. */
    public List<Transition> transitions() {
        List<Transition> transitions = new ArrayList<>();
        for (Entry entry : entries) {
            Matcher matcher = TRANSITION.matcher(entry.message());
            if (matcher.matches()) {
                transitions.add(new Transition(entry.time(), matcher.group(1), matcher.group(2).equals("ACTIVE"),
                        matcher.group(3)));
            }
        }
        return transitions;
    }

    /** The first transition of a node to the given state at or after a moment. */
    public Optional<Transition> firstTransition(String node, boolean active, Instant notBefore) {
        return transitions().stream().filter(t -> t.node().equals(node) && t.active() == active
                && !t.time().isBefore(notBefore)).findFirst();
    }

    /** The transitions of a node between two moments. */
    public List<Transition> transitionsOf(String node, Instant from, Instant to) {
        return transitions().stream().filter(t -> t.node().equals(node) && !t.time().isBefore(from)
                && !t.time().isAfter(to)).toList();
    }

    /** When this node's cluster I/O last started at or after a moment ({@code Cluster I/O started}). */
    public Optional<Instant> clusterStarted(Instant notBefore) {
        return entries.stream().filter(e -> e.message().startsWith("Cluster I/O started")
                && !e.time().isBefore(notBefore)).map(Entry::time).reduce((first, second) -> second);
    }

    /** The entries matching a test, at or after a moment. */
    public List<Entry> matching(Instant notBefore, Predicate<Entry> test) {
        return entries.stream().filter(e -> !e.time().isBefore(notBefore) && test.test(e)).toList();
    }
}
