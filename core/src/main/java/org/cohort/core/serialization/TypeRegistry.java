package org.cohort.core.serialization;

import static org.cohort.api.serialization.SerializationService.FIRST_APPLICATION_TYPE_ID;
import static org.cohort.api.serialization.SerializationService.LAST_APPLICATION_TYPE_ID;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The payload types sibling bundles have registered, each under its explicit id and with the owner
 * that registered it. Every change makes a new immutable {@link Snapshot} with a higher generation, so
 * Kryo instances built from an older one can be recognised and dropped.
 */
final class TypeRegistry {

    /** One registered type; {@code owner} says who registered it, for error messages and clean-up. */
    record Entry(int typeId, Class<?> type, Object owner) {
    }

    /** The registrations at one moment; entries are in id order. */
    record Snapshot(long generation, List<Entry> entries) {
    }

    private final Set<String> reservedTypeNames;
    private final Map<Integer, Entry> byId = new TreeMap<>();
    private volatile Snapshot snapshot = new Snapshot(0, List.of());

    /**
     * @param reservedTypeNames class names core registers itself; siblings may not register them again
     */
    TypeRegistry(Set<String> reservedTypeNames) {
        this.reservedTypeNames = Set.copyOf(reservedTypeNames);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    synchronized Entry register(Object owner, int typeId, Class<?> type) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type must not be null");
        if (typeId < FIRST_APPLICATION_TYPE_ID || typeId > LAST_APPLICATION_TYPE_ID) {
            throw new IllegalArgumentException("type id " + typeId + " for " + type.getName() + " is outside "
                    + FIRST_APPLICATION_TYPE_ID + ".." + LAST_APPLICATION_TYPE_ID
                    + " (ids below " + FIRST_APPLICATION_TYPE_ID + " are reserved for Cohort core)");
        }
        if (type.isPrimitive() || reservedTypeNames.contains(type.getName())) {
            throw new IllegalArgumentException(type.getName() + " is registered by Cohort core already");
        }
        Entry taken = byId.get(typeId);
        if (taken != null) {
            throw new IllegalArgumentException("type id " + typeId + " is already registered to "
                    + taken.type().getName() + " by " + taken.owner() + "; refused for " + type.getName()
                    + " from " + owner);
        }
        for (Entry entry : byId.values()) {
            if (entry.type() == type) {
                throw new IllegalArgumentException(type.getName() + " is already registered under type id "
                        + entry.typeId() + " by " + entry.owner() + "; refused under id " + typeId);
            }
        }
        Entry entry = new Entry(typeId, type, owner);
        byId.put(typeId, entry);
        publish();
        return entry;
    }

    synchronized boolean unregister(Entry entry) {
        // By identity: an equal entry registered later (same id, type and owner) is another registration.
        if (byId.get(entry.typeId()) != entry) {
            return false;
        }
        byId.remove(entry.typeId());
        publish();
        return true;
    }

    synchronized int unregisterAll(Object owner) {
        int before = byId.size();
        byId.values().removeIf(entry -> entry.owner().equals(owner));
        int removed = before - byId.size();
        if (removed > 0) {
            publish();
        }
        return removed;
    }

    private void publish() {
        snapshot = new Snapshot(snapshot.generation() + 1, List.copyOf(new ArrayList<>(byId.values())));
    }
}
