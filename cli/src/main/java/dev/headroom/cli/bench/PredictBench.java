package dev.headroom.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.predict.AnchorEstimates;
import dev.headroom.analyzer.predict.CasesFile;
import dev.headroom.analyzer.predict.ErrorSummary;
import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.PredictionCase;
import dev.headroom.analyzer.predict.SpecException;
import dev.headroom.cli.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench predict}: the predictor's error on measured runs, beside two published
 * estimators computed on the same rows — accelerate's {@code estimate-memory} training rule and
 * DeepSpeed's ZeRO model-state estimators.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Median and p90 absolute percentage error of headroom's prediction against",
      "measured peaks (the bundled calibration cases, or --cases FILE), overall, per",
      "metric and per method, beside accelerate's estimate-memory training rule and",
      "DeepSpeed's ZeRO model-state estimators on the same rows.",
      "One JSON line per figure. Target: median <= 10 %%, p90 <= 25 %%."
    })
public final class PredictBench implements Runnable {
  static final double TARGET_MEDIAN_PERCENT = 10;
  static final double TARGET_P90_PERCENT = 25;
  private static final double GIB = 1L << 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--cases", paramLabel = "FILE.csv",
      description = "Cases with a measured peak_gib column (default: the bundled calibration cases).")
  Path cases;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One measured row and the three estimates of it, in GiB. */
  record Row(String metric, String method, double measuredGib, double headroomGib, double accelerateGib, double deepSpeedGib) {}

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    List<PredictionCase> all;
    try {
      all = cases == null ? CasesFile.calibration() : CasesFile.read(cases);
    } catch (SpecException e) {
      throw new UserInputException(e.getMessage());
    }
    MemoryPredictor predictor = MemoryPredictor.standard();
    List<Row> rows = new ArrayList<>();
    for (PredictionCase c : all) {
      if (c instanceof PredictionCase.Valid v && v.measuredGib().isPresent()) {
        rows.add(new Row(v.metric().label(), v.spec().setup().method().label(), v.measuredGib().getAsDouble(),
            predictor.predict(v.spec()).peakBytes(v.metric()) / GIB,
            AnchorEstimates.accelerate(v.spec()) / GIB,
            AnchorEstimates.deepSpeed(v.spec()) / GIB));
      } else if (c instanceof PredictionCase.Invalid invalid) {
        spec.commandLine().getErr().println("headroom: row " + invalid.id() + ": column " + invalid.column()
            + ": " + invalid.message() + " (skipped)");
      }
    }
    if (rows.isEmpty()) {
      throw new UserInputException("no row with a measured peak_gib to compare against");
    }
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    groups.put("all", rows);
    for (Row r : rows) {
      groups.computeIfAbsent("metric=" + r.metric(), k -> new ArrayList<>()).add(r);
    }
    for (Row r : rows) {
      groups.computeIfAbsent("method=" + r.method(), k -> new ArrayList<>()).add(r);
    }
    for (var group : groups.entrySet()) {
      ErrorSummary ours = summary(group.getValue(), Row::headroomGib);
      ErrorSummary accelerate = summary(group.getValue(), Row::accelerateGib);
      ErrorSummary deepSpeed = summary(group.getValue(), Row::deepSpeedGib);
      out.println(line(group.getKey(), "median_ape_percent", group.getValue().size(), ours.medianPercent(),
          accelerate.medianPercent(), deepSpeed.medianPercent(), TARGET_MEDIAN_PERCENT));
      out.println(line(group.getKey(), "p90_ape_percent", group.getValue().size(), ours.p90Percent(),
          accelerate.p90Percent(), deepSpeed.p90Percent(), TARGET_P90_PERCENT));
    }
    out.flush();
  }

  private static ErrorSummary summary(List<Row> rows, ToDoubleFunction<Row> estimate) {
    List<Double> errors = new ArrayList<>();
    for (Row r : rows) {
      errors.add(ErrorSummary.absolutePercentError(estimate.applyAsDouble(r), r.measuredGib()));
    }
    return ErrorSummary.of(errors);
  }

  private static String line(String group, String figure, int n, double ours, double accelerate, double deepSpeed, double target) {
    ObjectNode o = JSON.createObjectNode();
    o.put("bench", "predict");
    o.put("group", group);
    o.put("figure", figure);
    o.put("rows", n);
    o.put("headroom", round(ours));
    o.put("baseline_accelerate", round(accelerate));
    o.put("baseline_deepspeed", round(deepSpeed));
    o.put("target", target);
    return o.toString();
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
