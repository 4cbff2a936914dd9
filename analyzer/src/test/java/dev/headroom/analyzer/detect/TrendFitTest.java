package dev.headroom.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrendFitTest {

  @Test
  void aLineWithAFewWildPointsIsFittedExactly() {
    double[] xs = new double[20];
    double[] ys = new double[20];
    for (int i = 0; i < 20; i++) {
      xs[i] = 30.0 * i;
      ys[i] = 1000 + 2.5 * xs[i];
    }
    ys[3] += 1e6; // outliers Theil–Sen must shrug off
    ys[17] -= 1e6;

    TrendFit fit = TrendFit.theilSen(xs, ys, 0, 20);

    assertThat(fit.slopePerSecond()).isCloseTo(2.5, within(1e-9));
    assertThat(fit.at(600)).isCloseTo(2500, within(1e-6));
  }

  @Test
  void aReusedScratchBufferGivesTheSameFitsAsFreshOnes() {
    Random random = new Random(5);
    double[] xs = new double[40];
    double[] ys = new double[40];
    for (int i = 0; i < 40; i++) {
      xs[i] = i;
      ys[i] = 3 * i + random.nextGaussian() * 10;
    }
    double[] scratch = new double[40 * 39 / 2];
    for (int from = 0; from < 30; from += 7) {
      TrendFit reused = TrendFit.theilSen(xs, ys, from, 40, scratch);
      assertThat(reused).isEqualTo(TrendFit.theilSen(xs, ys, from, 40));
    }
  }

  @Test
  void theMedianByQuickselectAgreesWithSortingOnRandomTiedAndOrderedInput() {
    Random random = new Random(9);
    for (int trial = 0; trial < 300; trial++) {
      int count = 1 + random.nextInt(60);
      double[] values = new double[count];
      for (int i = 0; i < count; i++) {
        values[i] = switch (trial % 3) {
          case 0 -> random.nextGaussian();
          case 1 -> random.nextInt(4); // many ties
          default -> i; // already sorted
        };
      }
      double[] sorted = values.clone();
      java.util.Arrays.sort(sorted);
      double expected = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
      assertThat(TrendFit.medianInPlace(values, count)).as("trial %d", trial).isEqualTo(expected);
    }
  }

  @Test
  void aScratchBufferTooSmallForThePairsIsRefusedWithBothSizes() {
    double[] xs = {0, 1, 2, 3, 4};
    assertThatThrownBy(() -> TrendFit.theilSen(xs, xs, 0, 5, new double[9]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scratch of 9")
        .hasMessageContaining("5 points");
  }
}
