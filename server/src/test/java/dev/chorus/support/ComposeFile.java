package dev.chorus.support;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The project's docker-compose.yml as data (anchors and merge keys resolved), for tests. */
public final class ComposeFile {

  /** The compose file at the top of the project. */
  public static final Path PATH = RepoFiles.path("docker-compose.yml");

  private final Map<String, Object> root;

  private ComposeFile(Map<String, Object> root) {
    this.root = root;
  }

  @SuppressWarnings("unchecked")
  public static ComposeFile load() {
    try (Reader reader = Files.newBufferedReader(PATH)) {
      return new ComposeFile((Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service's definition; fails if it is missing. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> service(String name) {
    Map<String, Object> services = (Map<String, Object>) root.get("services");
    Object service = services.get(name);
    if (service == null) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return (Map<String, Object>) service;
  }

  /**
   * A service's environment, every value as a string, as docker-compose gives it when none of the variables
   * it interpolates is set: {@code ${NAME:-default}} is the default.
   */
  @SuppressWarnings("unchecked")
  public Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    Object declared = service(name).get("environment");
    if (declared instanceof Map<?, ?> map) {
      map.forEach((key, value) -> env.put(String.valueOf(key),
        INTERPOLATED.matcher(String.valueOf(value)).replaceAll(match -> Matcher.quoteReplacement(match.group(2)))));
    }
    return env;
  }

  private static final Pattern INTERPOLATED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)}");

  /** The fixed address of a service on a network, or null. */
  @SuppressWarnings("unchecked")
  public String ipv4Address(String name, String network) {
    Object networks = service(name).get("networks");
    if (networks instanceof Map<?, ?> map && map.get(network) instanceof Map<?, ?> settings) {
      return (String) ((Map<String, Object>) settings).get("ipv4_address");
    }
    return null;
  }

  /** A service's published ports as written. */
  @SuppressWarnings("unchecked")
  public List<String> ports(String name) {
    Object ports = service(name).get("ports");
    return ports == null ? List.of() : ((List<Object>) ports).stream().map(String::valueOf).toList();
  }
}
