package org.cohort.itests.sibling;

/** The payload type of the sibling test bundle. */
public final class SiblingPayload {

    /** The type id the sibling registers it under. */
    public static final int TYPE_ID = 4242;

    public String text;
}
