package dev.headroom.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.predict.AnchorEstimates;
import dev.headroom.analyzer.predict.CalibrationExclusions;
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
    header = "Prediction error against measured peaks, beside the accelerate and DeepSpeed estimators.",
    description = {
      "Median and p90 absolute percentage error of headroom's prediction against measured peaks "
          + "(the bundled calibration cases, or --cases FILE), overall, per metric and per method, "
          + "beside accelerate's estimate-memory training rule and DeepSpeed's ZeRO model-state "
          + "estimators on the same rows.",
      "Every figure is printed twice: set=all (every row) and set=representable (without the bundled "
          + "rows listed in samples/calibration/exclusions.csv: rows whose notes distrust the measurement, "
          + "or whose run used a setting the cases columns cannot express); each excluded row gets one "
          + "line with its reason.",
      "The bundled cases are printed a third time as set=described: every row, with the setup facts "
          + "that its own notes or source configuration state (gradient accumulation, optimizer in "
          + "backward, foreach off, tensor parallelism, FSDP mixed units, no_sync accumulation) filled "
          + "into the optional columns from samples/calibration/setup-facts.csv.",
      "And once as set=validation: the rows of samples/calibration/validation-cases.csv, measurements "
          + "from the same sources that are not calibration rows and from which no constant was set, "
          + "with only the columns a user's cases file has. It is the nearest figure to the error on "
          + "runs the model has not seen.",
      "And once as set=holdout: samples/calibration/holdout-cases.csv, measurements from sources that "
          + "neither other file cites, gathered after the model was built (docs/predictor.md says which "
          + "of their sources also gave a constant its value).",
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
  record Row(String id, String metric, String method, double measuredGib, double headroomGib, double accelerateGib, double deepSpeedGib) {}

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    List<PredictionCase> all;
    CalibrationExclusions exclusions;
    try {
      all = cases == null ? CasesFile.calibration() : CasesFile.read(cases);
      exclusions = cases == null ? CalibrationExclusions.bundled() : CalibrationExclusions.none();
    } catch (SpecException e) {
      throw new UserInputException(e.getMessage());
    }
    MemoryPredictor predictor = MemoryPredictor.standard();
    List<Row> rows = new ArrayList<>();
    for (PredictionCase c : all) {
      if (c instanceof PredictionCase.Valid v && v.measuredGib().isPresent()) {
        rows.add(row(predictor, v));
      } else if (c instanceof PredictionCase.Invalid invalid) {
        spec.commandLine().getErr().println("headroom: row " + invalid.id() + ": column " + invalid.column()
            + ": " + invalid.message() + " (skipped)");
      }
    }
    if (rows.isEmpty()) {
      throw new UserInputException("no row with a measured peak_gib to compare against");
    }
    List<Row> representable = new ArrayList<>();
    for (Row r : rows) {
      var excluded = exclusions.find(r.id());
      if (excluded.isEmpty()) {
        representable.add(r);
      } else {
        out.println(excludedLine(r, excluded.get()));
      }
    }
    printGroups(out, "all", rows);
    if (representable.size() < rows.size()) {
      printGroups(out, "representable", representable);
    }
    if (cases == null) {
      // Every row again, with the setup facts its own notes state filled into the optional
      // columns (samples/calibration/setup-facts.csv): the model given the whole setup.
      List<Row> described = measuredRows(predictor, CasesFile.calibrationDescribed());
      printGroups(out, "described", described);
      printGroups(out, "validation", measuredRows(predictor, CasesFile.validation()));
      printGroups(out, "holdout", measuredRows(predictor, CasesFile.holdout()));
    }
    out.flush();
  }

  private static List<Row> measuredRows(MemoryPredictor predictor, List<PredictionCase> cases) {
    List<Row> rows = new ArrayList<>();
    for (PredictionCase c : cases) {
      if (c instanceof PredictionCase.Valid v && v.measuredGib().isPresent()) {
        rows.add(row(predictor, v));
      }
    }
    return rows;
  }

  private static Row row(MemoryPredictor predictor, PredictionCase.Valid v) {
    return new Row(v.id(), v.metric().label(), v.spec().setup().method().label(), v.measuredGib().getAsDouble(),
        predictor.predict(v.spec()).peakBytes(v.metric()) / GIB,
        AnchorEstimates.accelerate(v.spec()) / GIB,
        AnchorEstimates.deepSpeed(v.spec()) / GIB);
  }

  private static void printGroups(PrintWriter out, String set, List<Row> rows) {
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
      out.println(line(set, group.getKey(), "median_ape_percent", group.getValue().size(), ours.medianPercent(),
          accelerate.medianPercent(), deepSpeed.medianPercent(), TARGET_MEDIAN_PERCENT));
      out.println(line(set, group.getKey(), "p90_ape_percent", group.getValue().size(), ours.p90Percent(),
          accelerate.p90Percent(), deepSpeed.p90Percent(), TARGET_P90_PERCENT));
    }
  }

  private static String excludedLine(Row r, CalibrationExclusions.Exclusion why) {
    ObjectNode o = JSON.createObjectNode();
    o.put("bench", "predict");
    o.put("excluded_row", r.id());
    o.put("reason", why.reason().label());
    o.put("why", why.why());
    o.put("measured_gib", round(r.measuredGib()));
    o.put("headroom_gib", round(r.headroomGib()));
    o.put("headroom_ape_percent", round(ErrorSummary.absolutePercentError(r.headroomGib(), r.measuredGib())));
    return o.toString();
  }

  private static ErrorSummary summary(List<Row> rows, ToDoubleFunction<Row> estimate) {
    List<Double> errors = new ArrayList<>();
    for (Row r : rows) {
      errors.add(ErrorSummary.absolutePercentError(estimate.applyAsDouble(r), r.measuredGib()));
    }
    return ErrorSummary.of(errors);
  }

  private static String line(String set, String group, String figure, int n, double ours, double accelerate, double deepSpeed, double target) {
    ObjectNode o = JSON.createObjectNode();
    o.put("bench", "predict");
    o.put("set", set);
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
