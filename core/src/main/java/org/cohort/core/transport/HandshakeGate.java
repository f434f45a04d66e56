package org.cohort.core.transport;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What an unauthenticated peer may hold: accepted streams count as pending until their handshake
 * completes, at most {@value #MAX_PENDING_PER_SOURCE} per source address and {@value #MAX_PENDING} in
 * all; and a source whose handshakes keep failing is turned away at once for a while, longer each time
 * (up to 30 s), until one succeeds or it stays quiet. Configured member addresses are exempt from all
 * of it, so that no one else's failures ever slow a member down.
 *
 * <p>Bounded itself: it remembers at most {@value #MAX_TRACKED_SOURCES} failing sources, forgetting the
 * longest quiet first. Thread-safe; time is an input.
 */
final class HandshakeGate {

    static final int MAX_PENDING_PER_SOURCE = 4;
    static final int MAX_PENDING = 64;
    static final int FAILURES_BEFORE_THROTTLE = 5;
    static final long FIRST_THROTTLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_THROTTLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A source quiet for this long starts over. */
    static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final int MAX_TRACKED_SOURCES = 4096;

    /** What happens to a new accepted stream. */
    enum Verdict {
        /** A configured member's address: never limited. */
        EXEMPT(null),
        /** Counted as pending until its handshake ends. */
        PENDING(null),
        REFUSED_PER_SOURCE("perSourceLimit"),
        REFUSED_TOTAL("totalLimit"),
        THROTTLED("throttled");

        private final String key;

        Verdict(String key) {
            this.key = key;
        }

        boolean admitted() {
            return key == null;
        }

        /** The counter name of a refusal. */
        String key() {
            return key;
        }
    }

    /** What is known about one non-member source. */
    private static final class Source {
        int pending;
        int failures;
        long lastSeenNanos;
        long throttledUntilNanos;
    }

    private final Supplier<Set<InetAddress>> memberAddresses;
    private final Map<InetAddress, Source> sources = new LinkedHashMap<>(16, 0.75f, true);
    private int pending;

    /** @param memberAddresses the configured members' addresses now (they may change live) */
    HandshakeGate(Supplier<Set<InetAddress>> memberAddresses) {
        this.memberAddresses = memberAddresses;
    }

    /** A stream from {@code address} was accepted at {@code nowNanos}: may it go on to its handshake? */
    synchronized Verdict opened(InetAddress address, long nowNanos) {
        if (memberAddresses.get().contains(address)) {
            return Verdict.EXEMPT;
        }
        Source source = sources.get(address);
        if (source != null && nowNanos - source.lastSeenNanos > FORGET_AFTER_NANOS && source.pending == 0) {
            sources.remove(address);
            source = null;
        }
        if (source != null && nowNanos - source.throttledUntilNanos < 0) {
            source.lastSeenNanos = nowNanos;
            return Verdict.THROTTLED;
        }
        if (source != null && source.pending >= MAX_PENDING_PER_SOURCE) {
            source.lastSeenNanos = nowNanos;
            return Verdict.REFUSED_PER_SOURCE;
        }
        if (pending >= MAX_PENDING) {
            return Verdict.REFUSED_TOTAL;
        }
        if (source == null) {
            source = new Source();
            sources.put(address, source);
            evictQuietest();
        }
        source.pending++;
        source.lastSeenNanos = nowNanos;
        pending++;
        return Verdict.PENDING;
    }

    /**
     * A pending stream's handshake ended: completed, or failed (refused, timed out, closed).
     *
     * @return true if this failure starts (or extends) throttling of the source
     */
    synchronized boolean ended(InetAddress address, boolean completed, long nowNanos) {
        pending--;
        Source source = sources.get(address);
        if (source == null) {
            return false; // evicted while pending: the total count was still right
        }
        source.pending--;
        source.lastSeenNanos = nowNanos;
        if (completed) {
            source.failures = 0;
            return false;
        }
        source.failures++;
        if (source.failures < FAILURES_BEFORE_THROTTLE) {
            return false;
        }
        int doublings = Math.min(source.failures - FAILURES_BEFORE_THROTTLE, 5);
        long throttle = Math.min(MAX_THROTTLE_NANOS, FIRST_THROTTLE_NANOS << doublings);
        source.throttledUntilNanos = nowNanos + throttle;
        return true;
    }

    /** How long a source is turned away from now, 0 if it is not. */
    synchronized long throttledNanos(InetAddress address, long nowNanos) {
        Source source = sources.get(address);
        return source == null ? 0 : Math.max(0, source.throttledUntilNanos - nowNanos);
    }

    synchronized int trackedSources() {
        return sources.size();
    }

    synchronized int pending() {
        return pending;
    }

    private void evictQuietest() {
        Iterator<Source> quietestFirst = sources.values().iterator();
        while (sources.size() > MAX_TRACKED_SOURCES && quietestFirst.hasNext()) {
            if (quietestFirst.next().pending == 0) {
                quietestFirst.remove();
            }
        }
    }
}
