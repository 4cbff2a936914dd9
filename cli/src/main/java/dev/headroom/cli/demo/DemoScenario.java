package dev.headroom.cli.demo;

import dev.headroom.nvml.sim.Scenario;
import dev.headroom.nvml.sim.ScenarioException;
import dev.headroom.nvml.sim.ScenarioLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The scenario the demo plays and where it came from. Without {@code --scenario} the repository's
 * {@code samples/scenarios/fleet.yaml} is used when the demo runs from a checkout (so edits to it
 * show at once), else the copy bundled in the jar, so the jar works anywhere.
 *
 * @param origin the file path, or {@code fleet.yaml (bundled)}, for messages and the report
 */
public record DemoScenario(Scenario scenario, String origin) {

  /** Where the fleet lives inside a checkout. */
  public static final Path FLEET_IN_REPO = Path.of("samples", "scenarios", "fleet.yaml");
  /** The bundled copy, put there by the cli module's build from samples/scenarios. */
  static final String BUNDLED_RESOURCE = "/dev/headroom/cli/demo/fleet.yaml";
  private static final int MAX_PARENTS = 6;

  /** Reads {@code file}; a bad one is a {@link ScenarioException} naming file, line and field. */
  public static DemoScenario fromFile(Path file) throws ScenarioException {
    return new DemoScenario(ScenarioLoader.load(file), file.toString());
  }

  /**
   * The default fleet: the checkout's file found from {@code workingDir} or the jar's location
   * upwards, else the bundled copy.
   */
  public static DemoScenario defaultFleet(Path workingDir) throws ScenarioException {
    Optional<Path> inRepo = findInCheckout(startingPoints(workingDir));
    if (inRepo.isPresent()) {
      return fromFile(inRepo.get());
    }
    return bundled();
  }

  /** The fleet bundled in the jar. */
  public static DemoScenario bundled() throws ScenarioException {
    String source = "fleet.yaml (bundled)";
    try (InputStream in = DemoScenario.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new ScenarioException(source, OptionalInt.empty(), OptionalInt.empty(),
            Optional.empty(), "not in this build (resource " + BUNDLED_RESOURCE + " missing); give --scenario FILE");
      }
      return new DemoScenario(ScenarioLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source, false),
          source);
    } catch (IOException e) {
      throw new ScenarioException(source, OptionalInt.empty(), OptionalInt.empty(),
          Optional.empty(), "cannot read: " + e.getMessage());
    }
  }

  /** The first {@code samples/scenarios/fleet.yaml} in one of {@code starts} or their parents. */
  static Optional<Path> findInCheckout(List<Path> starts) {
    for (Path start : starts) {
      Path dir = start.toAbsolutePath().normalize();
      for (int i = 0; dir != null && i <= MAX_PARENTS; i++, dir = dir.getParent()) {
        Path candidate = dir.resolve(FLEET_IN_REPO);
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static List<Path> startingPoints(Path workingDir) {
    List<Path> starts = new ArrayList<>();
    starts.add(workingDir);
    jarLocation().ifPresent(starts::add);
    return starts;
  }

  /** The folder of the jar (or classes folder) this class was loaded from, e.g. cli/target. */
  private static Optional<Path> jarLocation() {
    try {
      CodeSource code = DemoScenario.class.getProtectionDomain().getCodeSource();
      if (code == null || code.getLocation() == null) {
        return Optional.empty();
      }
      Path location = Path.of(code.getLocation().toURI());
      return Optional.ofNullable(Files.isDirectory(location) ? location : location.getParent());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty(); // not a file: location (a custom class loader); the bundled copy serves
    }
  }
}
