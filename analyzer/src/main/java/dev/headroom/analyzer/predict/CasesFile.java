package dev.headroom.analyzer.predict;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * Reads prediction cases in the schema of {@code samples/calibration/memory-cases-calibration.csv}:
 * one run per row, architecture columns, training-setup columns and the {@code metric} to
 * predict. {@code gpu_capacity_gib} (or {@code gpu}) and the setup columns {@code grad_accum},
 * {@code tensor_parallel}, {@code optimizer_in_backward}, {@code optimizer_foreach},
 * {@code fsdp_mixed_units}, {@code accumulate_no_sync}, {@code loop_keeps_output}, {@code quant_keeps_input},
 * {@code framework} are optional; {@code peak_gib} is the measured value (kept for
 * the bench), {@code notes}, {@code source}, {@code confidence} are ignored.
 */
public final class CasesFile {
  /** Columns a cases file must have. */
  public static final List<String> REQUIRED = List.of("id", "model", "layers", "hidden", "heads",
      "kv_heads", "head_dim", "intermediate", "vocab", "tied_embeddings", "mlp", "params", "method",
      "lora_rank", "lora_targets", "quant", "precision", "optimizer", "micro_batch", "seq_len",
      "grad_ckpt", "gpus", "sharding", "offload", "attention", "loss", "metric");

  private static final List<String> ARCHITECTURE = List.of("layers", "hidden", "heads", "kv_heads",
      "head_dim", "intermediate", "vocab", "tied_embeddings", "mlp", "params");
  /**
   * The optional setup columns: empty means the spec default. Setup facts may fill only these
   * ({@link CalibrationFacts}).
   */
  public static final List<String> OPTIONAL_SETUP = List.of("grad_accum", "tensor_parallel",
      "optimizer_in_backward", "optimizer_foreach", "fsdp_mixed_units", "accumulate_no_sync",
      "loop_keeps_output", "loop_keeps_last_step", "quant_keeps_input", "fp32_norms", "liger_kernels", "framework");
  private static final List<String> SETUP = Stream.concat(Stream.of("method", "lora_rank", "lora_targets",
      "quant", "precision", "optimizer", "micro_batch", "seq_len", "grad_ckpt", "gpus", "sharding", "offload",
      "attention", "loss"), OPTIONAL_SETUP.stream()).toList();
  private static final String CALIBRATION = "/dev/headroom/analyzer/predict/calibration/memory-cases-calibration.csv";
  private static final String VALIDATION = "/dev/headroom/analyzer/predict/calibration/validation-cases.csv";
  private static final String HOLDOUT = "/dev/headroom/analyzer/predict/calibration/holdout-cases.csv";

  private CasesFile() {}

  public static List<PredictionCase> read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new SpecException(file + ": no such cases file");
    } catch (IOException e) {
      throw new SpecException(file + ": cannot read cases file: " + e.getMessage());
    }
  }

  /** The calibration cases bundled in the jar. */
  public static List<PredictionCase> calibration() {
    return parse(CsvTable.bundledText(CALIBRATION), "memory-cases-calibration.csv");
  }

  /**
   * The bundled validation cases: measurements from the calibration rows' own sources that the
   * calibration set does not hold, with their columns derived the same way. No constant of the
   * predictor was set from them; they show how it does on rows it was not
   * built from, and they carry only the calibration columns, as a user's cases file would.
   */
  public static List<PredictionCase> validation() {
    return parse(CsvTable.bundledText(VALIDATION), "validation-cases.csv");
  }

  /**
   * The bundled holdout cases: measurements from sources neither the calibration nor the
   * validation rows cite, gathered after the model was built, with only the calibration columns.
   * Their misses led to terms of the model, and the FSDP fragmentation takes its value from
   * reserved/active pairs some of those sources publish, so those rows do not test it
   * (docs/predictor.md lists the terms and the rows).
   */
  public static List<PredictionCase> holdout() {
    return parse(CsvTable.bundledText(HOLDOUT), "holdout-cases.csv");
  }

  /**
   * Parses every row; a row with a bad value becomes {@link PredictionCase.Invalid}, the others
   * are still returned.
   *
   * @throws SpecException when the file itself is unusable (missing columns, bad quoting)
   */
  public static List<PredictionCase> parse(String text, String where) {
    return parse(text, where, CalibrationFacts.none());
  }

  /**
   * The bundled calibration cases with their setup facts filled in (the optional setup columns
   * the rows' own notes state; see {@link CalibrationFacts}).
   */
  public static List<PredictionCase> calibrationDescribed() {
    return parse(CsvTable.bundledText(CALIBRATION), "memory-cases-calibration.csv", CalibrationFacts.bundled());
  }

  /** As {@link #parse(String, String)}, with each row's facts taking the place of its empty columns. */
  static List<PredictionCase> parse(String text, String where, CalibrationFacts facts) {
    CsvTable table = CsvTable.parse(text, where);
    List<String> missing = new ArrayList<>();
    for (String column : REQUIRED) {
      if (table.column(column) < 0) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new SpecException(where + ":1: missing column(s) " + String.join(", ", missing));
    }
    List<PredictionCase> cases = new ArrayList<>();
    for (CsvTable.Row row : table.rows()) {
      cases.add(parseRow(table, row, where, facts));
    }
    return cases;
  }

  private static PredictionCase parseRow(CsvTable table, CsvTable.Row row, String where, CalibrationFacts facts) {
    String id = field(table, row, "id");
    String label = id.isEmpty() ? "line " + row.line() : id;
    if (row.fields().size() != table.header().size()) {
      return new PredictionCase.Invalid(label, row.line(), "(row)", "has " + row.fields().size()
          + " fields, the header has " + table.header().size());
    }
    String column = "model";
    try {
      String modelName = field(table, row, "model");
      ModelPresets presets = ModelPresets.bundled();
      boolean explicit = ARCHITECTURE.stream().anyMatch(c -> !field(table, row, c).isEmpty());
      Architecture model;
      if (!explicit) {
        model = presets.resolve(modelName, "row " + label);
      } else {
        ObjectNode m = ModelConfigs.JSON.createObjectNode();
        m.put("name", modelName);
        presets.find(modelName).ifPresent(p -> m.put("family", p.family().label()));
        for (String c : ARCHITECTURE) {
          column = c;
          String value = field(table, row, c);
          if (value.isEmpty()) {
            continue;
          }
          switch (c) {
            case "tied_embeddings" -> m.put(c, parseBool(value));
            case "mlp" -> m.put(c, value);
            default -> m.put(c, parseLong(value));
          }
        }
        column = "model";
        // The preset of the same name only lends its family (norm kind, biases, residual
        // layout); family extras outside the blocks (BERT's pooler, T5's cross-attention) are
        // counted only through the row's own params column.
        model = ModelConfigs.fromExplicit(m, modelName, "row " + label);
      }
      ObjectNode spec = ModelConfigs.JSON.createObjectNode();
      for (String c : SETUP) {
        column = c;
        String value = field(table, row, c);
        if (value.isEmpty()) {
          value = facts.forRow(id).getOrDefault(c, "");
        }
        if (value.isEmpty()) {
          continue;
        }
        String key = c;
        switch (c) {
          case "lora_rank", "micro_batch", "seq_len", "gpus", "grad_accum", "tensor_parallel" ->
              spec.put(key, parseLong(value));
          case "optimizer_in_backward", "optimizer_foreach", "fsdp_mixed_units", "accumulate_no_sync",
              "loop_keeps_output", "loop_keeps_last_step", "quant_keeps_input", "fp32_norms", "liger_kernels" -> spec.put(key, parseBool(value));
          default -> spec.put(key, value);
        }
      }
      column = "gpu_capacity_gib";
      String capacity = table.column(column) >= 0 ? field(table, row, column) : "";
      if (!capacity.isEmpty()) {
        double gib = parseDouble(capacity);
        if (gib <= 0) {
          throw new SpecException("must be > 0, got " + capacity);
        }
        spec.put("gpu", capacity + "GiB");
      } else if (table.column("gpu") >= 0 && !field(table, row, "gpu").isEmpty()) {
        column = "gpu";
        spec.put("gpu", field(table, row, "gpu"));
      }
      column = "metric";
      Metric metric = Labeled.parse(Metric.values(), field(table, row, "metric"), "metric", "row " + label);
      column = "peak_gib";
      OptionalDouble measured = OptionalDouble.empty();
      if (table.column(column) >= 0 && !field(table, row, column).isEmpty()) {
        measured = OptionalDouble.of(parseDouble(field(table, row, column)));
      }
      column = "(setup)";
      RunSpec parsed = RunSpec.withModel(spec, model, "row " + label);
      return new PredictionCase.Valid(label, row.line(), parsed, metric, measured);
    } catch (SpecException e) {
      String message = e.getMessage();
      String prefix = "row " + label + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
      return new PredictionCase.Invalid(label, row.line(), guessColumn(column, message), message);
    }
  }

  /** Messages from the spec parser name their key; prefer it over the column being read. */
  private static String guessColumn(String column, String message) {
    for (String c : SETUP) {
      if (message.startsWith(c + " ") || message.contains("key '" + c + "'") || message.startsWith(c + ":")) {
        return c;
      }
    }
    for (String c : ARCHITECTURE) {
      if (message.contains(": " + c + " ") || message.contains("field '" + c + "'")) {
        return c;
      }
    }
    return column;
  }

  private static String field(CsvTable table, CsvTable.Row row, String name) {
    int k = table.column(name);
    return k < 0 || k >= row.fields().size() ? "" : row.fields().get(k).strip();
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new SpecException("not an integer: '" + value + "'");
    }
  }

  private static double parseDouble(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new SpecException("not a number: '" + value + "'");
    }
  }

  private static boolean parseBool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new SpecException("not true/false: '" + value + "'");
    };
  }
}
