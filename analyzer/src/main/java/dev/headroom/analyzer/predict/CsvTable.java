package dev.headroom.analyzer.predict;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A comma-separated table (RFC 4180: quoted fields may hold commas, doubled quotes and newlines),
 * with the line each record starts on so errors can point at it.
 */
public record CsvTable(List<String> header, List<Row> rows) {

  /** One record and the 1-based line it starts on. */
  public record Row(int line, List<String> fields) {}

  /** A table shipped in the jar beside the predictor (the calibration files); absent is a build bug. */
  static String bundledText(String resource) {
    try (InputStream in = CsvTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @throws SpecException naming the file and the first column it lacks */
  void requireColumns(String where, String... columns) {
    for (String column : columns) {
      if (column(column) < 0) {
        throw new SpecException(where + ":1: missing column " + column);
      }
    }
  }

  /** @throws SpecException when a record has another number of fields than the header */
  void requireWhole(Row row, String at) {
    if (row.fields().size() != header.size()) {
      throw new SpecException(at + ": has " + row.fields().size() + " fields, the header has " + header.size());
    }
  }

  public static CsvTable parse(String text, String where) {
    List<Row> records = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int line = 1;
    int recordLine = 1;
    for (int k = 0; k < text.length(); k++) {
      char ch = text.charAt(k);
      if (quoted) {
        if (ch == '"') {
          if (k + 1 < text.length() && text.charAt(k + 1) == '"') {
            field.append('"');
            k++;
          } else {
            quoted = false;
          }
        } else {
          if (ch == '\n') {
            line++;
          }
          field.append(ch);
        }
        continue;
      }
      switch (ch) {
        case '"' -> {
          quoted = true;
          any = true;
        }
        case ',' -> {
          fields.add(field.toString());
          field.setLength(0);
          any = true;
        }
        case '\r' -> { }
        case '\n' -> {
          if (any || field.length() > 0) {
            fields.add(field.toString());
            records.add(new Row(recordLine, List.copyOf(fields)));
          }
          fields.clear();
          field.setLength(0);
          any = false;
          line++;
          recordLine = line;
        }
        default -> {
          field.append(ch);
          any = true;
        }
      }
    }
    if (quoted) {
      throw new SpecException(where + ":" + recordLine + ": unterminated quoted field");
    }
    if (any || field.length() > 0) {
      fields.add(field.toString());
      records.add(new Row(recordLine, List.copyOf(fields)));
    }
    if (records.isEmpty()) {
      throw new SpecException(where + ": empty file, expected a header line");
    }
    List<String> header = new ArrayList<>();
    for (String name : records.get(0).fields()) {
      header.add(name.strip());
    }
    return new CsvTable(List.copyOf(header), List.copyOf(records.subList(1, records.size())));
  }

  public int column(String name) {
    return header.indexOf(name);
  }
}
