package dev.headroom.analyzer.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Calibration rows that the bench reports separately, read from
 * {@code samples/calibration/exclusions.csv} ({@code id, reason, why}). The list is written by
 * hand from each row's notes and kept beside the data, so the reason for every exclusion is
 * reviewable; the bench always prints the figures over all rows too.
 */
public final class CalibrationExclusions {
  private static final String BUNDLED = "/dev/headroom/analyzer/predict/calibration/exclusions.csv";

  /** Why a row is set aside. */
  public enum Reason implements Labeled {
    /** The row's own notes doubt the measurement (it contradicts its configuration). */
    DISTRUSTED("distrusted"),
    /** The run used a setting that the cases-file columns cannot express. */
    NOT_REPRESENTABLE("not-representable");

    private final String label;
    Reason(String label) { this.label = label; }
    @Override public String label() { return label; }
  }

  /** One set-aside row. */
  public record Exclusion(String id, Reason reason, String why) {}

  private final Map<String, Exclusion> byId;

  private CalibrationExclusions(Map<String, Exclusion> byId) {
    this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
  }

  /** The list shipped with the calibration cases. */
  public static CalibrationExclusions bundled() {
    return parse(CsvTable.bundledText(BUNDLED), "exclusions.csv");
  }

  /** No exclusions (a user's own cases file). */
  public static CalibrationExclusions none() {
    return new CalibrationExclusions(Map.of());
  }

  /** @throws SpecException naming the file and line of a bad row */
  public static CalibrationExclusions parse(String text, String where) {
    CsvTable table = CsvTable.parse(text, where);
    table.requireColumns(where, "id", "reason", "why");
    Map<String, Exclusion> byId = new LinkedHashMap<>();
    for (CsvTable.Row row : table.rows()) {
      String at = where + ":" + row.line();
      table.requireWhole(row, at);
      String id = row.fields().get(table.column("id")).strip();
      Reason reason = Labeled.parse(Reason.values(), row.fields().get(table.column("reason")).strip(), "reason", at);
      String why = row.fields().get(table.column("why")).strip();
      if (id.isEmpty() || why.isEmpty()) {
        throw new SpecException(at + ": id and why must not be empty");
      }
      if (byId.put(id, new Exclusion(id, reason, why)) != null) {
        throw new SpecException(at + ": row " + id + " is listed twice");
      }
    }
    return new CalibrationExclusions(byId);
  }

  public Optional<Exclusion> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every exclusion by row id, in file order. */
  public Map<String, Exclusion> all() {
    return byId;
  }
}
