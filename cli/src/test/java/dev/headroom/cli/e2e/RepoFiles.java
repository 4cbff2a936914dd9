package dev.headroom.cli.e2e;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the checkout the tests read (the samples users copy) and the module's build folder,
 * both found from where this class was loaded ({@code cli/<build folder>/test-classes}), so the
 * tests work whatever the build folder is called and wherever Maven runs them from.
 */
final class RepoFiles {
  private static final int MAX_PARENTS = 6;

  private RepoFiles() {}

  /** The module's build folder ({@code ${project.build.directory}}). */
  static Path buildDirectory() {
    return testClasses().getParent();
  }

  /** {@code relative} (e.g. {@code samples/deploy/README.md}) in the checkout. */
  static Path find(String relative) {
    Path dir = testClasses();
    for (int i = 0; i < MAX_PARENTS && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + testClasses());
  }

  private static Path testClasses() {
    try {
      return Path.of(RepoFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where the test classes are", e);
    }
  }
}
