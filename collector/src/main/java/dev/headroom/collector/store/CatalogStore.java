package dev.headroom.collector.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.collector.runs.RunDeclaration;
import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.RunSummary;
import dev.headroom.collector.runs.StoredGpu;
import dev.headroom.collector.runs.StoredRun;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run catalog and the alert history in one SQLite file (through JDBC). WAL journal with
 * {@code synchronous=NORMAL}: a committed row survives a SIGKILL of the collector (it is in the
 * WAL, in the kernel); only a power loss can take the last commits.
 *
 * <p>Thread-safe: one connection, every method synchronized (writes are rare — run changes, alert
 * changes, a periodic peak flush — so one connection is plenty).
 */
public final class CatalogStore implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(CatalogStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 2: runs.summary_json (ended runs restored without a replay) and run_merges. */
  private static final int SCHEMA_VERSION = 2;

  private final Path file;
  private final Connection connection;

  private CatalogStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (creating when missing) the catalog at {@code file}.
   *
   * @throws IOException naming the file when it cannot be opened or is not a headroom catalog
   */
  public static CatalogStore open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, source TEXT NOT NULL,"
            + " hostname TEXT NOT NULL, started_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, spec_json TEXT,"
            + " summary_json TEXT)");
        if (!hasColumn(s, "runs", "summary_json")) {
          // A catalog of schema 1: its runs have no summary, so they are replayed as before.
          s.execute("ALTER TABLE runs ADD COLUMN summary_json TEXT");
        }
        s.execute("CREATE TABLE IF NOT EXISTS run_gpus (run_id TEXT NOT NULL, uuid TEXT NOT NULL,"
            + " hostname TEXT, idx INTEGER NOT NULL, name TEXT, total_bytes INTEGER NOT NULL,"
            + " usable_bytes INTEGER NOT NULL, peak_used_bytes INTEGER NOT NULL,"
            + " peak_allocated_bytes INTEGER NOT NULL, peak_reserved_bytes INTEGER NOT NULL,"
            + " PRIMARY KEY (run_id, uuid))");
        s.execute("CREATE TABLE IF NOT EXISTS alerts (kind TEXT NOT NULL, run_id TEXT NOT NULL,"
            + " subject TEXT NOT NULL, raised_at TEXT NOT NULL, hostname TEXT NOT NULL, gpu_uuid TEXT,"
            + " severity TEXT NOT NULL, explanation TEXT NOT NULL, suggested_action TEXT NOT NULL,"
            + " values_json TEXT NOT NULL, resolved_at TEXT, PRIMARY KEY (kind, run_id, subject, raised_at))");
        // Who declared which run: the declaration frame may age out of the recordings long before
        // the run ends, and without it a restarted collector would not know the process's run.
        s.execute("CREATE TABLE IF NOT EXISTS run_processes (hostname TEXT NOT NULL, pid INTEGER NOT NULL,"
            + " run_id TEXT NOT NULL, PRIMARY KEY (hostname, pid))");
        s.execute("CREATE TABLE IF NOT EXISTS run_agents (agent_id TEXT PRIMARY KEY, run_id TEXT NOT NULL)");
        // A process run merged into a declared run keeps its recording under its own id: the
        // declared run's series include it.
        s.execute("CREATE TABLE IF NOT EXISTS run_merges (from_run_id TEXT PRIMARY KEY, into_run_id TEXT NOT NULL)");
        s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
      }
      return new CatalogStore(file, c);
    } catch (SQLException e) {
      throw new IOException("cannot open the collector catalog " + file + ": " + e.getMessage() + damagedHint(e, file), e);
    }
  }

  /** SQLite's primary result codes for a damaged file and for a file that is no database at all. */
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_NOTADB = 26;

  /** What to do about a catalog SQLite cannot read: the recordings beside it still hold the runs. */
  private static String damagedHint(SQLException e, Path file) {
    int primary = e.getErrorCode() & 0xff;
    if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB) {
      return "";
    }
    return "; the catalog is damaged: move " + file.getFileName() + " (and any " + file.getFileName() + "-wal, "
        + file.getFileName() + "-shm beside it) out of the data directory and start again: the runs come back from"
        + " the recordings, as far as retention kept them; the alert history does not";
  }

  private static boolean hasColumn(Statement s, String table, String column) throws SQLException {
    try (ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (r.next()) {
        if (column.equals(r.getString("name"))) {
          return true;
        }
      }
    }
    return false;
  }

  public Path file() {
    return file;
  }

  /**
   * Inserts or replaces a run and its GPUs, in one transaction. A run without a summary keeps the
   * summary saved before: a restarted collector compares a summary with the recording's tail, so
   * an older summary only makes that run replayed rather than shown wrong. Peaks never go down (a
   * row queued earlier may be written after a later one).
   */
  public synchronized void saveRun(StoredRun run) {
    inTransaction(() -> {
      try (PreparedStatement p = connection.prepareStatement(
          "INSERT INTO runs (run_id, source, hostname, started_at, last_seen_at, spec_json, summary_json)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET"
              + " last_seen_at = excluded.last_seen_at, spec_json = COALESCE(excluded.spec_json, runs.spec_json),"
              + " summary_json = COALESCE(excluded.summary_json, runs.summary_json)")) {
        p.setString(1, run.runId());
        p.setString(2, run.source().name());
        p.setString(3, run.hostname());
        p.setString(4, run.startedAt().toString());
        p.setString(5, run.lastSeenAt().toString());
        p.setString(6, run.specJson().orElse(null));
        p.setString(7, run.summary().map(RunSummaryJson::write).orElse(null));
        p.executeUpdate();
      }
      try (PreparedStatement p = connection.prepareStatement(
          "INSERT INTO run_gpus VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, uuid) DO UPDATE SET"
              + " hostname = excluded.hostname, idx = excluded.idx, name = excluded.name,"
              + " total_bytes = excluded.total_bytes, usable_bytes = excluded.usable_bytes,"
              + " peak_used_bytes = MAX(run_gpus.peak_used_bytes, excluded.peak_used_bytes),"
              + " peak_allocated_bytes = MAX(run_gpus.peak_allocated_bytes, excluded.peak_allocated_bytes),"
              + " peak_reserved_bytes = MAX(run_gpus.peak_reserved_bytes, excluded.peak_reserved_bytes)")) {
        for (StoredGpu g : run.gpus()) {
          p.setString(1, run.runId());
          p.setString(2, g.uuid());
          p.setString(3, g.hostname());
          p.setInt(4, g.index());
          p.setString(5, g.name());
          p.setLong(6, g.totalBytes());
          p.setLong(7, g.usableBytes());
          p.setLong(8, g.peakUsedBytes());
          p.setLong(9, g.peakAllocatedBytes());
          p.setLong(10, g.peakReservedBytes());
          p.addBatch();
        }
        p.executeBatch();
      }
    });
  }

  /** Saves many runs in one transaction (the periodic peak flush). */
  public synchronized void saveRuns(List<StoredRun> runs) {
    inTransaction(() -> runs.forEach(this::saveRun));
  }

  /** A process declared its run (pid &gt; 0), or an agent declared one for all it sees (pid 0). */
  public synchronized void saveDeclaration(RunDeclaration declaration) {
    inTransaction(() -> {
      String sql = declaration.pid() == 0
          ? "INSERT OR REPLACE INTO run_agents VALUES (?, ?)"
          : "INSERT OR REPLACE INTO run_processes VALUES (?, ?, ?)";
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        if (declaration.pid() == 0) {
          p.setString(1, declaration.agentId());
          p.setString(2, declaration.runId());
        } else {
          p.setString(1, declaration.hostname());
          p.setLong(2, declaration.pid());
          p.setString(3, declaration.runId());
        }
        p.executeUpdate();
      }
    });
  }

  /** Every declaration kept, agents' and processes'. */
  public synchronized List<RunDeclaration> loadDeclarations() {
    List<RunDeclaration> out = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT * FROM run_agents ORDER BY agent_id")) {
        while (r.next()) {
          out.add(new RunDeclaration(r.getString("run_id"), r.getString("agent_id"), "", 0));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT * FROM run_processes ORDER BY hostname, pid")) {
        while (r.next()) {
          out.add(new RunDeclaration(r.getString("run_id"), "", r.getString("hostname"), r.getLong("pid")));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read run declarations from " + file + ": " + e.getMessage() + damagedHint(e, file), e);
    }
    return out;
  }

  public synchronized void removeRun(String runId) {
    inTransaction(() -> {
      for (String table : List.of("runs", "run_gpus", "run_processes", "run_agents")) {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
          p.setString(1, runId);
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = connection.prepareStatement("DELETE FROM run_merges WHERE into_run_id = ?")) {
        p.setString(1, runId);
        p.executeUpdate();
      }
    });
  }

  /** A process run was merged into a declared run: its recording belongs to that run from now on. */
  public synchronized void saveMerge(String fromRunId, String intoRunId) {
    inTransaction(() -> {
      try (PreparedStatement p = connection.prepareStatement("INSERT OR REPLACE INTO run_merges VALUES (?, ?)")) {
        p.setString(1, fromRunId);
        p.setString(2, intoRunId);
        p.executeUpdate();
      }
    });
  }

  /** Declared run id → the process runs merged into it, in id order. */
  public synchronized Map<String, List<String>> loadMerges() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM run_merges ORDER BY into_run_id, from_run_id")) {
      while (r.next()) {
        out.computeIfAbsent(r.getString("into_run_id"), k -> new ArrayList<>()).add(r.getString("from_run_id"));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read run merges from " + file + ": " + e.getMessage() + damagedHint(e, file), e);
    }
    return out;
  }

  public synchronized List<StoredRun> loadRuns() {
    Map<String, List<StoredGpu>> gpus = new LinkedHashMap<>();
    List<StoredRun> runs = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT * FROM run_gpus ORDER BY run_id, idx")) {
        while (r.next()) {
          gpus.computeIfAbsent(r.getString("run_id"), k -> new ArrayList<>()).add(new StoredGpu(
              r.getString("uuid"), r.getString("hostname"), r.getInt("idx"), r.getString("name"),
              r.getLong("total_bytes"), r.getLong("usable_bytes"), r.getLong("peak_used_bytes"),
              r.getLong("peak_allocated_bytes"), r.getLong("peak_reserved_bytes")));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT * FROM runs ORDER BY started_at")) {
        while (r.next()) {
          String id = r.getString("run_id");
          runs.add(new StoredRun(id, RunKeySource.valueOf(r.getString("source")), r.getString("hostname"),
              Instant.parse(r.getString("started_at")), Instant.parse(r.getString("last_seen_at")),
              Optional.ofNullable(r.getString("spec_json")), gpus.getOrDefault(id, List.of()),
              summary(id, r.getString("summary_json"))));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read runs from " + file + ": " + e.getMessage() + damagedHint(e, file), e);
    }
    return runs;
  }

  /** A summary that cannot be read only costs a replay of its run: say so and go on without it. */
  private Optional<RunSummary> summary(String runId, String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunSummaryJson.read(json));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      log.warn("{}: the summary of run {} cannot be read ({}); its recording is replayed instead", file, runId,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Records an alert as raised, updated or resolved: one row per (kind, run, subject, raise time). */
  public synchronized void saveAlert(Alert alert) {
    inTransaction(() -> {
      try (PreparedStatement p = connection.prepareStatement(
          "INSERT OR REPLACE INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        p.setString(1, alert.kind().slug());
        p.setString(2, alert.runId());
        p.setString(3, alert.key().subject());
        p.setString(4, alert.raisedAt().toString());
        p.setString(5, alert.hostname());
        p.setString(6, alert.gpuUuid().orElse(null));
        p.setString(7, alert.severity().name());
        p.setString(8, alert.explanation());
        p.setString(9, alert.suggestedAction());
        p.setString(10, JSON.writeValueAsString(alert.values()));
        p.setString(11, alert.resolvedAt().map(Instant::toString).orElse(null));
        p.executeUpdate();
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new StoreException("cannot encode alert values " + alert.values(), e);
      }
    });
  }

  /** The alert history, most recently raised first. */
  public synchronized List<Alert> recentAlerts(int limit) {
    return alerts("SELECT * FROM alerts ORDER BY raised_at DESC, kind LIMIT ?", limit);
  }

  /** The alerts not resolved yet (active when the collector stopped), oldest first. */
  public synchronized List<Alert> activeAlerts() {
    return alerts("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY raised_at, kind LIMIT ?", Integer.MAX_VALUE);
  }

  private List<Alert> alerts(String query, int limit) {
    List<Alert> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(query)) {
      p.setInt(1, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          AlertKind kind = kindOf(r.getString("kind"));
          Map<String, Double> values = JSON.readValue(r.getString("values_json"), new TypeReference<>() {});
          Condition condition = new Condition(kind, Severity.valueOf(r.getString("severity").toUpperCase(Locale.ROOT)),
              values, r.getString("explanation"), r.getString("suggested_action"));
          out.add(new Alert(new AlertKey(kind, r.getString("run_id"), r.getString("subject")),
              r.getString("hostname"), Optional.ofNullable(r.getString("gpu_uuid")), condition,
              Instant.parse(r.getString("raised_at")),
              Optional.ofNullable(r.getString("resolved_at")).map(Instant::parse)));
        }
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot read alerts from " + file + ": " + e.getMessage()
          + (e instanceof SQLException sql ? damagedHint(sql, file) : ""), e);
    }
    return out;
  }

  private static AlertKind kindOf(String slug) {
    for (AlertKind k : AlertKind.values()) {
      if (k.slug().equals(slug)) {
        return k;
      }
    }
    throw new StoreException("unknown alert kind '" + slug + "' in the catalog", null);
  }

  @FunctionalInterface
  private interface SqlWork {
    void run() throws SQLException;
  }

  /** Runs work in a transaction; nested calls join the outer one. */
  private void inTransaction(SqlWork work) {
    try {
      boolean outer = connection.getAutoCommit();
      if (outer) {
        connection.setAutoCommit(false);
      }
      try {
        work.run();
        if (outer) {
          connection.commit();
        }
      } catch (SQLException | RuntimeException e) {
        if (outer) {
          connection.rollback();
        }
        throw e;
      } finally {
        if (outer) {
          connection.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot write to the collector catalog " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IOException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
