package dev.headroom.analyzer.predict;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bundled model configs ({@code samples/models/*.json}, copied into the jar at build time),
 * found by name or alias; and any config.json by path.
 */
public final class ModelPresets {
  private static final String ROOT = "/dev/headroom/analyzer/predict/models/";

  private final Map<String, String> nameByAlias;
  private final List<String> names;

  private ModelPresets(Map<String, String> nameByAlias, List<String> names) {
    this.nameByAlias = nameByAlias;
    this.names = names;
  }

  private static final class Holder {
    static final ModelPresets BUNDLED = loadIndex();
  }

  /** The presets in the jar. */
  public static ModelPresets bundled() {
    return Holder.BUNDLED;
  }

  private static ModelPresets loadIndex() {
    String index = resource("index.txt")
        .orElseThrow(() -> new IllegalStateException("preset index missing from the jar: " + ROOT + "index.txt"));
    Map<String, String> byAlias = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (String line : index.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] words = trimmed.split("\\s+");
      names.add(words[0]);
      for (String w : words) {
        byAlias.put(normalise(w), words[0]);
      }
    }
    return new ModelPresets(byAlias, Collections.unmodifiableList(names));
  }

  private static Optional<String> resource(String file) {
    try (InputStream in = ModelPresets.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT).trim();
    int slash = n.lastIndexOf('/');
    if (slash >= 0) {
      n = n.substring(slash + 1); // "meta-llama/Meta-Llama-3-8B" → "meta-llama-3-8b"
    }
    return n.replace('_', '-');
  }

  /** Preset names, in index order. */
  public List<String> names() {
    return names;
  }

  /** The canonical preset name for a name or alias, if bundled. */
  public Optional<String> canonical(String nameOrAlias) {
    return Optional.ofNullable(nameByAlias.get(normalise(nameOrAlias)));
  }

  /** The architecture of a bundled preset, if there is one by that name or alias. */
  public Optional<Architecture> find(String nameOrAlias) {
    return canonical(nameOrAlias).map(name -> {
      String where = "preset " + name;
      String json = resource(name + ".json")
          .orElseThrow(() -> new IllegalStateException(where + " is indexed but not in the jar"));
      return ModelConfigs.fromJson(ModelConfigs.readTree(json, where), name, where);
    });
  }

  /** The config.json a {@code --model} value names, when it names a file or folder rather than a preset. */
  public static Optional<Path> configFile(String nameOrPath) {
    Path path = Path.of(nameOrPath);
    boolean looksLikePath = nameOrPath.endsWith(".json") || nameOrPath.startsWith(".") || path.isAbsolute();
    if (Files.exists(path) || looksLikePath) {
      return Optional.of(Files.isDirectory(path) ? path.resolve("config.json") : path);
    }
    return Optional.empty();
  }

  /**
   * A path to a config.json (or its folder) when one exists there, else a preset name or alias
   * (Hub ids such as {@code meta-llama/Meta-Llama-3-8B} match by their last part).
   *
   * @throws SpecException when it is neither, listing the presets
   */
  public Architecture resolve(String nameOrPath, String where) {
    Optional<Path> file = configFile(nameOrPath);
    if (file.isPresent()) {
      return ModelConfigs.readFile(file.get());
    }
    Optional<Architecture> preset = find(nameOrPath);
    if (preset.isPresent()) {
      return preset.get();
    }
    throw new SpecException(where + ": unknown model '" + nameOrPath + "': not a bundled preset ("
        + String.join(", ", names) + ") nor a config.json path");
  }
}
