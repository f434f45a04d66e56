package org.cohort.itests;

/** A type nobody registers: serialization must refuse it. */
public final class UnregisteredPayload {

    final String secret;

    UnregisteredPayload(String secret) {
        this.secret = secret;
    }
}
