package dev.chorus.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads {@link Settings}: the defaults packaged in the jar, then the settings file (CHORUS_CONFIG, else
 * conf/config.json in the working directory when present), then environment variables. Unknown keys and
 * bad values fail with one {@link SettingsException} line naming the setting.
 */
public final class SettingsLoader {

  /** The packaged copy of conf/config.json: every default. */
  public static final String DEFAULTS_RESOURCE = "conf/config.json";
  /** Environment variable naming the settings file. */
  public static final String CONFIG_FILE_ENV = "CHORUS_CONFIG";
  static final Path DEFAULT_CONFIG_FILE = Path.of("conf", "config.json");
  /** Largest history.size: rooms x size x 2 copies must fit in memory. */
  static final int MAX_HISTORY_SIZE = 100_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Kind { STRING, INT, LIST }

  /** An environment variable that overrides one setting. */
  private record EnvOverride(String variable, String path, Kind kind) {
  }

  private static final List<EnvOverride> ENV_OVERRIDES = List.of(
    new EnvOverride("HTTP_HOST", "http.host", Kind.STRING),
    new EnvOverride("HTTP_PORT", "http.port", Kind.INT),
    new EnvOverride("HTTP_PUBLIC_HOST", "http.publicHost", Kind.STRING),
    new EnvOverride("CLUSTER_NAME", "cluster.name", Kind.STRING),
    new EnvOverride("CLUSTER_HOST", "cluster.host", Kind.STRING),
    new EnvOverride("CLUSTER_PORT", "cluster.port", Kind.INT),
    new EnvOverride("CLUSTER_MEMBERS", "cluster.members", Kind.LIST),
    new EnvOverride("EVENTBUS_PORT", "cluster.eventBusPort", Kind.INT),
    new EnvOverride("SERVER_INSTANCES", "server.instances", Kind.INT),
    new EnvOverride("MAX_MESSAGE_BYTES", "server.maxMessageBytes", Kind.INT),
    new EnvOverride("SHUTDOWN_TIMEOUT_SECONDS", "server.shutdownTimeoutSeconds", Kind.INT),
    new EnvOverride("HISTORY_SIZE", "history.size", Kind.INT),
    new EnvOverride("ADMIN_TOKEN", "admin.token", Kind.STRING),
    new EnvOverride("MAX_CONNECTIONS", "limits.maxConnections", Kind.INT),
    new EnvOverride("MAX_CHAT_CHARS", "limits.maxChatChars", Kind.INT),
    new EnvOverride("MAX_NAME_CHARS", "limits.maxNameChars", Kind.INT),
    new EnvOverride("MAX_ROOMS_PER_CONNECTION", "limits.maxRoomsPerConnection", Kind.INT),
    new EnvOverride("RATE_MESSAGES_PER_SECOND", "limits.messagesPerSecond", Kind.INT),
    new EnvOverride("RATE_BURST", "limits.messageBurst", Kind.INT),
    new EnvOverride("RATE_ABUSE_REJECTIONS", "limits.abuseRejections", Kind.INT),
    new EnvOverride("WRITE_QUEUE_MAX_BYTES", "limits.writeQueueMaxBytes", Kind.INT),
    new EnvOverride("SLOW_CONSUMER_TIMEOUT_MS", "limits.slowConsumerTimeoutMillis", Kind.INT),
    new EnvOverride("PING_INTERVAL_SECONDS", "limits.pingIntervalSeconds", Kind.INT),
    new EnvOverride("IDLE_TIMEOUT_SECONDS", "limits.idleTimeoutSeconds", Kind.INT),
    new EnvOverride("ALLOWED_ORIGINS", "security.allowedOrigins", Kind.LIST),
    new EnvOverride("JWT_SECRET", "security.jwtSecret", Kind.STRING),
    new EnvOverride("JWT_PUBLIC_KEY_PATH", "security.jwtPublicKeyPath", Kind.STRING),
    new EnvOverride("TLS_KEY_PATH", "security.tlsKeyPath", Kind.STRING),
    new EnvOverride("TLS_CERT_PATH", "security.tlsCertPath", Kind.STRING),
    new EnvOverride("LOG_FORMAT", "logging.format", Kind.STRING));

  private SettingsLoader() {
  }

  /** Settings for a process with this environment, resolving relative paths against {@code workingDir}. */
  public static Settings load(Map<String, String> env, Path workingDir) {
    ObjectNode tree = defaults();
    Path file = configFile(env, workingDir);
    if (file != null) {
      mergeFile(tree, file);
    }
    applyEnvironment(tree, env);
    return validate(bind(tree));
  }

  private static ObjectNode defaults() {
    try (InputStream in = SettingsLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path configFile(Map<String, String> env, Path workingDir) {
    String named = env.get(CONFIG_FILE_ENV);
    if (named != null && !named.isBlank()) {
      Path file = workingDir.resolve(named);
      if (!Files.isRegularFile(file)) {
        throw new SettingsException(CONFIG_FILE_ENV + " must name a readable file, got '" + named + "'");
      }
      return file;
    }
    Path file = workingDir.resolve(DEFAULT_CONFIG_FILE);
    return Files.isRegularFile(file) ? file : null;
  }

  private static void mergeFile(ObjectNode tree, Path file) {
    JsonNode overlay;
    try {
      overlay = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new SettingsException(file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new SettingsException(file + " cannot be read: " + e.getMessage());
    }
    if (overlay == null || !overlay.isObject()) {
      throw new SettingsException(file + " must hold a JSON object");
    }
    merge(tree, (ObjectNode) overlay, "", file);
  }

  private static void merge(ObjectNode target, ObjectNode overlay, String prefix, Path file) {
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = prefix + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new SettingsException("unknown setting '" + path + "' in " + file);
      }
      if (existing.isObject()) {
        if (!field.getValue().isObject()) {
          throw new SettingsException(path + " must be an object in " + file);
        }
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), path + ".", file);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void applyEnvironment(ObjectNode tree, Map<String, String> env) {
    for (EnvOverride override : ENV_OVERRIDES) {
      String value = env.get(override.variable());
      if (value == null) {
        continue;
      }
      String[] path = override.path().split("\\.");
      ObjectNode parent = (ObjectNode) tree.get(path[0]);
      String key = path[1];
      String trimmed = value.trim();
      switch (override.kind()) {
        case STRING -> parent.put(key, trimmed);
        case INT -> {
          try {
            parent.put(key, Integer.parseInt(trimmed));
          } catch (NumberFormatException e) {
            throw new SettingsException(override.variable() + " must be an integer, got '" + value + "'");
          }
        }
        case LIST -> {
          ArrayNode list = parent.putArray(key);
          for (String item : trimmed.split(",")) {
            if (!item.isBlank()) {
              list.add(item.trim());
            }
          }
        }
      }
    }
  }

  private static Settings bind(ObjectNode tree) {
    JsonNode http = tree.get("http");
    JsonNode cluster = tree.get("cluster");
    JsonNode server = tree.get("server");
    JsonNode history = tree.get("history");
    JsonNode admin = tree.get("admin");
    JsonNode limits = tree.get("limits");
    JsonNode security = tree.get("security");
    JsonNode logging = tree.get("logging");
    return new Settings(
      new Settings.Http(text(http, "http.host"), integer(http, "http.port"), text(http, "http.publicHost")),
      new Settings.Cluster(text(cluster, "cluster.name"), text(cluster, "cluster.host"),
        integer(cluster, "cluster.port"), textList(cluster, "cluster.members"),
        integer(cluster, "cluster.eventBusPort")),
      new Settings.Server(integer(server, "server.instances"), integer(server, "server.maxMessageBytes"),
        integer(server, "server.shutdownTimeoutSeconds")),
      new Settings.History(integer(history, "history.size")),
      new Settings.Admin(text(admin, "admin.token")),
      new Settings.Limits(integer(limits, "limits.maxConnections"), integer(limits, "limits.maxChatChars"),
        integer(limits, "limits.maxNameChars"), integer(limits, "limits.maxRoomsPerConnection"),
        integer(limits, "limits.messagesPerSecond"), integer(limits, "limits.messageBurst"),
        integer(limits, "limits.abuseRejections"), integer(limits, "limits.writeQueueMaxBytes"),
        integer(limits, "limits.slowConsumerTimeoutMillis"), integer(limits, "limits.pingIntervalSeconds"),
        integer(limits, "limits.idleTimeoutSeconds")),
      new Settings.Security(textList(security, "security.allowedOrigins"), text(security, "security.jwtSecret"),
        text(security, "security.jwtPublicKeyPath"), text(security, "security.tlsKeyPath"),
        text(security, "security.tlsCertPath")),
      new Settings.Logging(text(logging, "logging.format")));
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static String text(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || !node.isTextual()) {
      throw new SettingsException(path + " must be a string");
    }
    return node.asText();
  }

  private static int integer(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new SettingsException(path + " must be an integer");
    }
    return node.intValue();
  }

  private static List<String> textList(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || !node.isArray()) {
      throw new SettingsException(path + " must be a list of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new SettingsException(path + " must be a list of strings");
      }
      values.add(item.asText());
    }
    return values;
  }

  /** Checks every value's range; the message names the setting and its environment variable. */
  static Settings validate(Settings settings) {
    requirePort(settings.http().port(), "http.port (HTTP_PORT)", false);
    requireText(settings.http().host(), "http.host (HTTP_HOST)");
    requireText(settings.cluster().name(), "cluster.name (CLUSTER_NAME)");
    requireLocalAddress(settings.cluster().host());
    requirePort(settings.cluster().port(), "cluster.port (CLUSTER_PORT)", false);
    requirePort(settings.cluster().eventBusPort(), "cluster.eventBusPort (EVENTBUS_PORT)", true);
    for (String member : settings.cluster().members()) {
      requireMember(member);
    }
    if (settings.server().instances() < 0 || settings.server().instances() > 256) {
      throw new SettingsException("server.instances (SERVER_INSTANCES) must be 0 (one per core) to 256, got "
        + settings.server().instances());
    }
    if (settings.server().maxMessageBytes() < 125 || settings.server().maxMessageBytes() > 16 * 1024 * 1024) {
      throw new SettingsException("server.maxMessageBytes (MAX_MESSAGE_BYTES) must be 125 to 16777216, got "
        + settings.server().maxMessageBytes());
    }
    if (settings.server().shutdownTimeoutSeconds() < 0 || settings.server().shutdownTimeoutSeconds() > 3600) {
      throw new SettingsException("server.shutdownTimeoutSeconds (SHUTDOWN_TIMEOUT_SECONDS) must be 0 to 3600, got "
        + settings.server().shutdownTimeoutSeconds());
    }
    if (settings.history().size() < 1 || settings.history().size() > MAX_HISTORY_SIZE) {
      throw new SettingsException("history.size (HISTORY_SIZE) must be 1 to " + MAX_HISTORY_SIZE + ", got "
        + settings.history().size());
    }
    String token = settings.admin().token();
    if (!token.isEmpty() && (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw new SettingsException("admin.token (ADMIN_TOKEN) must be empty (API off) or at least 16 printable "
        + "ASCII characters without spaces");
    }
    validateLimits(settings.limits());
    validateSecurity(settings.security());
    if (!Settings.Logging.FORMATS.contains(settings.logging().format())) {
      throw new SettingsException("logging.format (LOG_FORMAT) must be text or json, got '"
        + settings.logging().format() + "'");
    }
    return settings;
  }

  private static void validateLimits(Settings.Limits limits) {
    requireRange(limits.maxConnections(), 1, 1_000_000, "limits.maxConnections (MAX_CONNECTIONS)");
    requireRange(limits.maxChatChars(), 1, 1_000_000, "limits.maxChatChars (MAX_CHAT_CHARS)");
    requireRange(limits.maxNameChars(), 1, 1000, "limits.maxNameChars (MAX_NAME_CHARS)");
    requireRange(limits.maxRoomsPerConnection(), 1, 10_000, "limits.maxRoomsPerConnection (MAX_ROOMS_PER_CONNECTION)");
    requireRange(limits.messagesPerSecond(), 1, 100_000, "limits.messagesPerSecond (RATE_MESSAGES_PER_SECOND)");
    requireRange(limits.messageBurst(), 1, 100_000, "limits.messageBurst (RATE_BURST)");
    requireRange(limits.abuseRejections(), 1, 1_000_000, "limits.abuseRejections (RATE_ABUSE_REJECTIONS)");
    requireRange(limits.writeQueueMaxBytes(), 1024, 1 << 30, "limits.writeQueueMaxBytes (WRITE_QUEUE_MAX_BYTES)");
    requireRange(limits.slowConsumerTimeoutMillis(), 100, 3_600_000, "limits.slowConsumerTimeoutMillis (SLOW_CONSUMER_TIMEOUT_MS)");
    requireRange(limits.pingIntervalSeconds(), 1, 3600, "limits.pingIntervalSeconds (PING_INTERVAL_SECONDS)");
    requireRange(limits.idleTimeoutSeconds(), 1, 86_400, "limits.idleTimeoutSeconds (IDLE_TIMEOUT_SECONDS)");
    if (limits.idleTimeoutSeconds() <= limits.pingIntervalSeconds()) {
      throw new SettingsException("limits.idleTimeoutSeconds (IDLE_TIMEOUT_SECONDS) must be greater than "
        + "limits.pingIntervalSeconds (PING_INTERVAL_SECONDS), got " + limits.idleTimeoutSeconds());
    }
  }

  private static void validateSecurity(Settings.Security security) {
    for (String origin : security.allowedOrigins()) {
      if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
        throw new SettingsException("security.allowedOrigins (ALLOWED_ORIGINS) must list scheme://host[:port] "
          + "origins or *, got '" + origin + "'");
      }
    }
    if (!security.jwtSecret().isEmpty() && !security.jwtPublicKeyPath().isEmpty()) {
      throw new SettingsException("security.jwtSecret (JWT_SECRET) and security.jwtPublicKeyPath "
        + "(JWT_PUBLIC_KEY_PATH) must not both be set");
    }
    if (!security.jwtSecret().isEmpty() && security.jwtSecret().length() < 32) {
      throw new SettingsException("security.jwtSecret (JWT_SECRET) must be at least 32 characters");
    }
    requireReadable(security.jwtPublicKeyPath(), "security.jwtPublicKeyPath (JWT_PUBLIC_KEY_PATH)");
    if (security.tlsKeyPath().isEmpty() != security.tlsCertPath().isEmpty()) {
      throw new SettingsException("security.tlsKeyPath (TLS_KEY_PATH) and security.tlsCertPath (TLS_CERT_PATH) "
        + "must be set together");
    }
    requireReadable(security.tlsKeyPath(), "security.tlsKeyPath (TLS_KEY_PATH)");
    requireReadable(security.tlsCertPath(), "security.tlsCertPath (TLS_CERT_PATH)");
  }

  private static void requireRange(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new SettingsException(name + " must be " + min + " to " + max + ", got " + value);
    }
  }

  private static void requireReadable(String path, String name) {
    if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
      throw new SettingsException(name + " must name a readable file, got '" + path + "'");
    }
  }

  private static void requireText(String value, String name) {
    if (value.isBlank()) {
      throw new SettingsException(name + " must not be empty");
    }
  }

  private static void requirePort(int port, String name, boolean zeroAllowed) {
    int min = zeroAllowed ? 0 : 1;
    if (port < min || port > 65535) {
      throw new SettingsException(name + " must be a port number " + min + "-65535, got " + port);
    }
  }

  private static void requireLocalAddress(String host) {
    String name = "cluster.host (CLUSTER_HOST)";
    requireText(host, name);
    try {
      InetAddress address = InetAddress.getByName(host);
      if (address.isAnyLocalAddress()) {
        throw new SettingsException(name + " must be an address peers can reach, not " + host);
      }
      if (!address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
        throw new SettingsException(name + " must be an address of this machine, got " + host);
      }
    } catch (UnknownHostException e) {
      throw new SettingsException(name + " must be a resolvable address, got '" + host + "'");
    } catch (SocketException e) {
      throw new SettingsException(name + " cannot be checked: " + e.getMessage());
    }
  }

  private static void requireMember(String member) {
    String name = "cluster.members (CLUSTER_MEMBERS)";
    int colon = member.lastIndexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    if (host.isBlank()) {
      throw new SettingsException(name + " must list host[:port] entries, got '" + member + "'");
    }
    if (colon >= 0) {
      try {
        requirePort(Integer.parseInt(member.substring(colon + 1)), name + " port of '" + member + "'", false);
      } catch (NumberFormatException e) {
        throw new SettingsException(name + " must list host[:port] entries, got '" + member + "'");
      }
    }
  }
}
