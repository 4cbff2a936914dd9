package dev.headroom.analyzer.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Setup facts of calibration rows that the cases columns cannot carry, read from
 * {@code samples/calibration/setup-facts.csv} ({@code id, column, value, from}): gradient
 * accumulation, optimizer in backward, foreach off, tensor parallelism, FSDP mixed units and
 * no_sync accumulation. Each value is taken from what the row's own notes state or the
 * configuration its source names (never from what the notes call a guess), and {@code from} says
 * where, so the bench's "described" figures are a check of the model given the whole setup, not a
 * fit: no value is a measurement.
 */
public final class CalibrationFacts {
  private static final String BUNDLED = "/dev/headroom/analyzer/predict/calibration/setup-facts.csv";

  /** The optional setup columns of a cases file: the only ones a fact may fill. */
  public static final List<String> COLUMNS = CasesFile.OPTIONAL_SETUP;

  private final Map<String, Map<String, String>> byId;

  private CalibrationFacts(Map<String, Map<String, String>> byId) {
    this.byId = byId;
  }

  /** The facts shipped with the calibration cases. */
  public static CalibrationFacts bundled() {
    return parse(CsvTable.bundledText(BUNDLED), "setup-facts.csv");
  }

  public static CalibrationFacts none() {
    return new CalibrationFacts(Map.of());
  }

  /** @throws SpecException naming the file and line of a bad row */
  public static CalibrationFacts parse(String text, String where) {
    CsvTable table = CsvTable.parse(text, where);
    table.requireColumns(where, "id", "column", "value", "from");
    Map<String, Map<String, String>> byId = new LinkedHashMap<>();
    for (CsvTable.Row row : table.rows()) {
      String at = where + ":" + row.line();
      table.requireWhole(row, at);
      String id = row.fields().get(table.column("id")).strip();
      String column = row.fields().get(table.column("column")).strip();
      String value = row.fields().get(table.column("value")).strip();
      String from = row.fields().get(table.column("from")).strip();
      if (id.isEmpty() || value.isEmpty() || from.isEmpty()) {
        throw new SpecException(at + ": id, value and from must not be empty");
      }
      if (!COLUMNS.contains(column)) {
        throw new SpecException(at + ": column " + column + " is not a setup fact; one of "
            + String.join(", ", COLUMNS));
      }
      if (byId.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(column, value) != null) {
        throw new SpecException(at + ": row " + id + " column " + column + " is given twice");
      }
    }
    byId.replaceAll((k, v) -> Collections.unmodifiableMap(v));
    return new CalibrationFacts(Collections.unmodifiableMap(byId));
  }

  /** The facts of one row by column (empty when it has none). */
  public Map<String, String> forRow(String id) {
    return byId.getOrDefault(id, Map.of());
  }

  /** Every row with facts, in file order. */
  public Map<String, Map<String, String>> all() {
    return byId;
  }
}
