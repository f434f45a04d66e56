package org.cohort.testtools.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeqRangesTest {

    @Test
    void numbersInAnyOrderMergeIntoRangesAndRepeatsAreTold() {
        SeqRanges set = new SeqRanges();
        for (long seq : new long[] {1, 2, 3, 7, 5, 6, 9}) {
            assertThat(set.add(seq)).isTrue();
        }
        assertThat(set.add(6)).isFalse();
        assertThat(set.toList()).containsExactly(List.of(1L, 3L), List.of(5L, 7L), List.of(9L, 9L));
        assertThat(set.add(4)).isTrue();
        assertThat(set.add(8)).isTrue();
        assertThat(set.toList()).containsExactly(List.of(1L, 9L));
        assertThat(set.count()).isEqualTo(9);
        assertThat(set.highest()).isEqualTo(9);
        assertThat(set.contains(10)).isFalse();
    }

    @Test
    void theJsonFormReadsBack() {
        SeqRanges set = SeqRanges.of(List.of(List.of(1, 100_000), List.of(100_002, 100_002)));
        assertThat(set.count()).isEqualTo(100_001);
        assertThat(set.contains(100_001)).isFalse();
        assertThat(SeqRanges.of(set.toList()).toList()).isEqualTo(set.toList());
    }

    @Test
    void pastItsBoundItCountsWhatItCannotKeep() {
        SeqRanges set = new SeqRanges();
        for (long seq = 1; seq <= 2L * SeqRanges.MAX_RANGES + 4; seq += 2) {
            set.add(seq);
        }
        assertThat(set.toList()).hasSize(SeqRanges.MAX_RANGES);
        assertThat(set.overflow()).isEqualTo(2);
    }
}
