package org.cohort.sim.cluster;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How likely each fault is: relative weights ({@code -Dsim.faults=CUT=3,KILL=1,...}; a fault not named
 * keeps weight 1, weight 0 leaves it out).
 */
public record FaultMix(Map<Fault, Integer> weights) {
    public static final FaultMix EVEN = parse("");

    /** Parses {@code NAME=weight,...} (names as in {@link Fault}, any case). */
    public static FaultMix parse(String spec) {
        Map<Fault, Integer> weights = new EnumMap<>(Fault.class);
        for (Fault fault : Fault.values()) {
            weights.put(fault, 1);
        }
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                String[] nameAndWeight = part.trim().split("=");
                weights.put(Fault.valueOf(nameAndWeight[0].trim().toUpperCase(java.util.Locale.ROOT)),
                        Integer.parseInt(nameAndWeight[1].trim()));
            }
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new IllegalArgumentException("every fault has weight 0: " + spec);
        }
        return new FaultMix(Map.copyOf(weights));
    }

    Fault draw(SplittableRandom random) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int pick = random.nextInt(total);
        for (Fault fault : Fault.values()) {
            pick -= weights.getOrDefault(fault, 0);
            if (pick < 0) {
                return fault;
            }
        }
        throw new AssertionError();
    }
}
