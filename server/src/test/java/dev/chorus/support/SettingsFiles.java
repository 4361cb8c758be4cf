package dev.chorus.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Settings files for nodes under test, in target/settings/, named by CHORUS_CONFIG as operators do. */
public final class SettingsFiles {

  private SettingsFiles() {
  }

  /** Writes {@code json} to a fresh file and returns its absolute path, for CHORUS_CONFIG. */
  public static String write(String json) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "settings"));
      Path file = Files.createTempFile(dir, "config-", ".json");
      Files.writeString(file, json);
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
