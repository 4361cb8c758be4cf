package dev.chorus.transport;

import dev.chorus.support.RepoFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x internals and reflection stay in transport/: the rest of the code survives a Vert.x upgrade unchanged.
 * Reading a record's components (config/, binding settings) is not reaching into anyone's internals.
 */
class TransportBoundaryTest {

  private static final Path MAIN = RepoFiles.server("src", "main", "java", "dev", "chorus");
  private static final Pattern INTERNALS = Pattern.compile(
    "^import\\s+(static\\s+)?(io\\.vertx\\.[\\w.]*\\.(impl|internal)\\.|java\\.lang\\.reflect\\.(?!RecordComponent;))"
      + "|\\.setAccessible\\(|\\.getDeclared(Field|Method|Constructor)s?\\(|Class\\.forName\\(");

  @Test
  void nothingOutsideTransportReachesIntoVertxInternalsOrUsesReflection() throws IOException {
    assertTrue(Files.isDirectory(MAIN), MAIN + " is missing");
    try (Stream<Path> files = Files.walk(MAIN)) {
      List<String> offenders = files
        .filter(file -> file.toString().endsWith(".java"))
        .filter(file -> !file.startsWith(MAIN.resolve("transport")))
        .flatMap(TransportBoundaryTest::offendingLines)
        .toList();
      assertEquals(List.of(), offenders);
    }
  }

  private static Stream<String> offendingLines(Path file) {
    try {
      return Files.readAllLines(file).stream()
        .filter(line -> INTERNALS.matcher(line.trim()).find())
        .map(line -> MAIN.relativize(file) + ": " + line.trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
