package org.cohort.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A payload type owned by the test probe, as a sibling bundle would own its own. */
public final class ProbePayload {

    private String name;
    private int count;
    private ArrayList<String> tags;

    ProbePayload() {
    }

    ProbePayload(String name, int count, List<String> tags) {
        this.name = name;
        this.count = count;
        this.tags = new ArrayList<>(tags);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ProbePayload)) {
            return false;
        }
        ProbePayload that = (ProbePayload) other;
        return count == that.count && Objects.equals(name, that.name) && Objects.equals(tags, that.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, count, tags);
    }

    @Override
    public String toString() {
        return "ProbePayload{" + name + ", " + count + ", " + tags + "}";
    }
}
