package dev.chorus.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files at the top of the repository (deployment files, docs, README), wherever the test runs from: Maven runs
 * the server's tests in server/, an IDE may run them at the top.
 */
public final class RepoFiles {

  private static final Path ROOT = findRoot();

  private RepoFiles() {
  }

  /** A path relative to the repository's top level. */
  public static Path path(String first, String... more) {
    return ROOT.resolve(Path.of(first, more));
  }

  /** A path relative to the server module (server/). */
  public static Path server(String first, String... more) {
    return ROOT.resolve("server").resolve(Path.of(first, more));
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("server"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the Chorus repository: " + Path.of("").toAbsolutePath());
  }
}
