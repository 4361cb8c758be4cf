package dev.chorus;

import dev.chorus.support.RepoFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of the server stand in layers, and a package names (imports, or refers to by its full name)
 * only packages of lower layers: no cycles, no upward reach, and two packages of one layer know nothing of
 * each other. docs/architecture.md draws the same map. A new package fails this test until it is placed.
 */
class PackageLayersTest {

  /** Lowest first; "" is dev.chorus itself (Main, ChorusNode). */
  private static final List<List<String>> LAYERS = List.of(
    List.of("protocol", "config", "hazelcast"),
    List.of("history", "presence", "logging"),
    List.of("metrics", "cluster", "transport"),
    List.of("hub", "users", "webhooks"),
    List.of("broker"),
    List.of("admission", "auth"),
    List.of("chat", "echo"),
    List.of("node"),
    List.of("http"),
    List.of(""));
  private static final Path MAIN = RepoFiles.server("src", "main", "java", "dev", "chorus");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.chorus\\.([a-z]+)\\.");

  @Test
  void everyPackageReachesOnlyIntoLowerLayers() throws IOException {
    Map<String, Integer> layerOf = new TreeMap<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      for (String pkg : LAYERS.get(i)) {
        layerOf.put(pkg, i);
      }
    }
    List<String> offences = new ArrayList<>();
    TreeSet<String> unplaced = new TreeSet<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = packageOf(file);
        if (!layerOf.containsKey(pkg)) {
          unplaced.add(pkg);
          continue;
        }
        for (String used : referencedPackages(file)) {
          if (!used.equals(pkg) && layerOf.getOrDefault(used, Integer.MAX_VALUE) >= layerOf.get(pkg)) {
            offences.add(MAIN.relativize(file) + " reaches " + used);
          }
        }
      }
    }
    assertEquals(List.of(), List.copyOf(unplaced), "packages missing from LAYERS");
    assertEquals(List.of(), offences);
  }

  @Test
  void everyLayeredPackageExists() {
    for (List<String> layer : LAYERS) {
      for (String pkg : layer) {
        assertTrue(Files.isDirectory(MAIN.resolve(pkg)), "no package " + pkg);
      }
    }
  }

  private static String packageOf(Path file) {
    Path dir = MAIN.relativize(file).getParent();
    return dir == null ? "" : dir.getName(0).toString();
  }

  private static TreeSet<String> referencedPackages(Path file) {
    try {
      TreeSet<String> packages = new TreeSet<>();
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("package ")) {
          continue;
        }
        Matcher matcher = REFERENCE.matcher(line);
        while (matcher.find()) {
          packages.add(matcher.group(1));
        }
      }
      return packages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
