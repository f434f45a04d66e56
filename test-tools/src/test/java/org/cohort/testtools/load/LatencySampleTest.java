package org.cohort.testtools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencySampleTest {

    @Test
    void emptyHasNoSummary() {
        assertThat(new LatencySample().summary()).isNull();
    }

    @Test
    void smallValuesHaveExactPercentiles() {
        LatencySample sample = new LatencySample();
        for (long value = 100; value >= 1; value--) {
            sample.record(value);
        }
        assertThat(sample.summary()).isEqualTo(new LatencySample.Summary(100, 1, 51, 50, 99, 100));
    }

    @Test
    void manyLargeValuesKeepTheExtremesAndMeanExactAndThePercentilesWithinATenthOfAPercent() {
        LatencySample sample = new LatencySample();
        for (long value = 1; value <= 1_000_000; value++) {
            sample.record(value);
        }
        LatencySample.Summary summary = sample.summary();
        assertThat(summary.count()).isEqualTo(1_000_000);
        assertThat(summary.min()).isEqualTo(1);
        assertThat(summary.max()).isEqualTo(1_000_000);
        assertThat(summary.avg()).isEqualTo(500_001);
        assertThat(summary.p50()).isCloseTo(500_000L, within(500L));
        assertThat(summary.p99()).isCloseTo(990_000L, within(990L));
    }

    @Test
    void aNegativeValueCountsAsZero() {
        LatencySample sample = new LatencySample();
        sample.record(-5);
        assertThat(sample.summary()).isEqualTo(new LatencySample.Summary(1, 0, 0, 0, 0, 0));
    }
}
