package org.cohort.core.messaging;

/**
 * How the incoming messages dispatched so far ended. Each message is counted once, when its fate is
 * known: a message still waiting on a handler's executor is not counted yet.
 *
 * @param delivered its handler ran and returned normally
 * @param noHandler no handler was subscribed to its subject (or it unsubscribed before the message ran)
 * @param rejected the handler's executor refused it
 * @param handlerFailed its handler threw
 */
public record DispatchCounters(long delivered, long noHandler, long rejected, long handlerFailed) {

    /** Returns the number of messages counted. */
    public long total() {
        return delivered + noHandler + rejected + handlerFailed;
    }
}
