package org.cohort.core.runtime;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * The one source of randomness of a node: backoff jitter, incarnations where a test picks them, and the
 * handshake's nonces. Production draws nonces from {@link SecureRandom} and jitter from a generator
 * seeded by it; {@link #seeded} draws everything from one seed, so that a simulation or a test replays
 * bit for bit (its nonces are then predictable: never use it on a network).
 */
public interface Randomness {

    /** A uniformly distributed value in {@code [0, bound)}; {@code bound} must be positive. */
    long nextLong(long bound);

    /** Fills {@code bytes} with values fit for a nonce. */
    void nextBytes(byte[] bytes);

    /** Production: nonces from the platform's {@link SecureRandom}, jitter from a fast generator. */
    static Randomness secure() {
        SecureRandom secure = new SecureRandom();
        SplittableRandom jitter = new SplittableRandom(secure.nextLong());
        return new Randomness() {
            @Override
            public synchronized long nextLong(long bound) {
                return jitter.nextLong(bound);
            }

            @Override
            public void nextBytes(byte[] bytes) {
                secure.nextBytes(bytes);
            }
        };
    }

    /** Everything from one seed: the same seed gives the same sequence of draws. Not for a network. */
    static Randomness seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Randomness() {
            @Override
            public synchronized long nextLong(long bound) {
                return random.nextLong(bound);
            }

            @Override
            public synchronized void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        };
    }
}
