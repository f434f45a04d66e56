package org.cohort.core.messaging;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommunicationsDelegate} a sibling bundle (or an embedder) put beside core's dispatcher:
 * {@link CommunicationsComponent} hands it the messages whose subject no local subscriber claims, and
 * the sender, so that it can answer and forward. At most one is bound at a time; binding and unbinding
 * are logged at INFO, as they change where unclaimed messages go (the delegate, or "no handler").
 * Thread-safe: bound and unbound on DS's thread, used on IO threads.
 */
final class FallbackDelegate {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackDelegate.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LongSupplier nanoTime;
    private final LogThrottle failureWarnings;
    private volatile CommunicationsDelegate delegate;
    private volatile MessageSender sender;

    FallbackDelegate(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        failureWarnings = new LogThrottle(WARNING_INTERVAL_NANOS, nanoTime.getAsLong());
    }

    /** Binds a delegate in place of the one bound before, and hands it the sender if there is one. */
    synchronized void bind(CommunicationsDelegate next) {
        Objects.requireNonNull(next, "delegate");
        CommunicationsDelegate previous = delegate;
        delegate = next;
        MessageSender current = sender;
        if (current != null) {
            next.setSender(current);
        }
        LOG.info("Messages on subjects no subscriber here claims now go to {}{}", next,
                previous == null ? "" : " (in place of " + previous + ")");
    }

    /** Unbinds the delegate if it is the one bound, taking the sender back from it; otherwise nothing. */
    synchronized void unbind(CommunicationsDelegate gone) {
        if (delegate != gone) {
            return;
        }
        delegate = null;
        if (sender != null) {
            gone.setSender(null);
        }
        LOG.info("{} no longer takes the messages no subscriber claims: they count as having no handler again", gone);
    }

    /** Keeps the sender for a delegate bound later, and hands it to the one bound now. */
    synchronized void setSender(MessageSender next) {
        sender = next;
        CommunicationsDelegate bound = delegate;
        if (bound != null) {
            bound.setSender(next);
        }
    }

    boolean isBound() {
        return delegate != null;
    }

    /**
     * Hands a message to the bound delegate, on the calling IO thread (the delegate hands work off, as
     * its contract says). What it throws is logged at most once a minute and does not reach the stream.
     *
     * @return false if no delegate is bound, and the message was not handed over
     */
    boolean dispatch(ClusterMessage message) {
        CommunicationsDelegate bound = delegate;
        if (bound == null) {
            return false;
        }
        try {
            bound.dispatch(message);
        } catch (RuntimeException e) {
            long heldBack = failureWarnings.tryAcquire(nanoTime.getAsLong());
            if (heldBack != LogThrottle.SUPPRESSED) {
                LOG.warn("Delegate {} failed on a message on subject {} from {} ({} more since the last warning; "
                        + "this warning repeats at most once a minute)", bound, message.subject(), message.sender(),
                        heldBack, e);
            }
        }
        return true;
    }
}
