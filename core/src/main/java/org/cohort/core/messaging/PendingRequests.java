package org.cohort.core.messaging;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The requests waiting for their replies, by request id: primitive long keys (no boxed {@code Long}, no
 * map entry per request), in stripes that each take their own lock, so that the callers adding, the
 * thread reading replies and the timer removing rarely meet. Ids come from a counter, so consecutive
 * requests fall in different stripes.
 *
 * @param <P> what is kept per request
 */
final class PendingRequests<P> {

    private static final int STRIPES = 16; // a power of two

    private final Stripe<P>[] stripes;

    @SuppressWarnings("unchecked")
    PendingRequests() {
        stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe<>();
        }
    }

    private static final class Stripe<P> {
        final LongObjectMap<P> requests = new LongObjectHashMap<>();
    }

    private Stripe<P> stripe(long id) {
        return stripes[(int) (id & (STRIPES - 1))];
    }

    void put(long id, P request) {
        Stripe<P> stripe = stripe(id);
        synchronized (stripe) {
            stripe.requests.put(id, request);
        }
    }

    /** Removes and returns the request, or null if it is not (or no longer) pending. */
    P remove(long id) {
        Stripe<P> stripe = stripe(id);
        synchronized (stripe) {
            return stripe.requests.remove(id);
        }
    }

    /** Removes the request only if it is pending and {@code which} accepts it; returns it then, else null. */
    P removeIf(long id, Predicate<? super P> which) {
        Stripe<P> stripe = stripe(id);
        synchronized (stripe) {
            P request = stripe.requests.get(id);
            if (request == null || !which.test(request)) {
                return null;
            }
            stripe.requests.remove(id);
            return request;
        }
    }

    /** Removes and returns every pending request that {@code which} accepts. */
    List<P> removeAll(Predicate<? super P> which) {
        List<P> removed = new ArrayList<>();
        for (Stripe<P> stripe : stripes) {
            synchronized (stripe) {
                List<Long> ids = new ArrayList<>();
                for (LongObjectMap.PrimitiveEntry<P> entry : stripe.requests.entries()) {
                    if (which.test(entry.value())) {
                        ids.add(entry.key());
                    }
                }
                for (long id : ids) { // removed after the walk: removal may move the table's entries
                    removed.add(stripe.requests.remove(id));
                }
            }
        }
        return removed;
    }

    int size() {
        int size = 0;
        for (Stripe<P> stripe : stripes) {
            synchronized (stripe) {
                size += stripe.requests.size();
            }
        }
        return size;
    }
}
