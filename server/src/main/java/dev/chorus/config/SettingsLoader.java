package dev.chorus.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads {@link Settings}: the defaults packaged in the jar, then the settings file (CHORUS_CONFIG, else
 * conf/config.json in the working directory when present) key by key, then the environment variables the records
 * name with {@link Env}; the merged tree is bound to the records, whose constructors check the values. Unknown
 * keys, wrong types and bad values fail with one {@link SettingsException} line naming the setting.
 */
public final class SettingsLoader {

  /** The packaged copy of conf/config.json: every default. */
  public static final String DEFAULTS_RESOURCE = "conf/config.json";
  /** Environment variable naming the settings file. */
  public static final String CONFIG_FILE_ENV = "CHORUS_CONFIG";
  static final Path DEFAULT_CONFIG_FILE = Path.of("conf", "config.json");

  /** Strict binding: no unknown, missing or null key, and no coercion (a string is no number, a number no string). */
  private static final ObjectMapper JSON = JsonMapper.builder()
    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
      DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
    .defaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL, Nulls.FAIL))
    .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
    .withCoercionConfig(LogicalType.Boolean, bool -> bool.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
      .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
    .build();

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
    fillRoomOptions(tree);
    return bind(tree);
  }

  /** Every option a room-options object leaves out takes its default (historySize: history.size). */
  private static void fillRoomOptions(ObjectNode tree) {
    ObjectNode rooms = (ObjectNode) tree.get("rooms");
    ObjectNode defaults = JSON.createObjectNode().put("private", false).put("publish", "members")
      .put("history", true).set("historySize", tree.path("history").path("size"));
    defaults.put("presence", true).put("proxy", false);
    List<JsonNode> options = new ArrayList<>();
    options.add(rooms.get("defaults"));
    rooms.get("namespaces").forEach(options::add);
    for (JsonNode option : options) {
      if (option instanceof ObjectNode object) {
        defaults.fields().forEachRemaining(field -> {
          if (!object.has(field.getKey())) {
            object.set(field.getKey(), field.getValue());
          }
        });
      }
    }
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

  /** Replaces the leaves of {@code target} that {@code overlay} has; a key the defaults lack is unknown. */
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
        if (Setting.FILE_ONLY.contains(path)) {
          // Free objects (namespace names, options filled in later): the file's replaces the default.
          target.set(field.getKey(), field.getValue());
        } else {
          merge((ObjectNode) existing, (ObjectNode) field.getValue(), path + ".", file);
        }
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void applyEnvironment(ObjectNode tree, Map<String, String> env) {
    for (Setting setting : Setting.ALL) {
      String value = env.get(setting.variable());
      if (value != null) {
        ((ObjectNode) tree.get(setting.section())).set(setting.key(), fromEnvironment(setting, value));
      }
    }
  }

  /**
   * An environment value as its setting's type reads it: trimmed text, an integer, true or false (in any case),
   * or comma-separated items.
   */
  private static JsonNode fromEnvironment(Setting setting, String value) {
    String trimmed = value.trim();
    if (setting.type() == int.class) {
      try {
        return IntNode.valueOf(Integer.parseInt(trimmed));
      } catch (NumberFormatException e) {
        throw new SettingsException(setting.variable() + " must be an integer, got '" + value + "'");
      }
    }
    if (setting.type() == boolean.class) {
      if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
        throw new SettingsException(setting.variable() + " must be true or false, got '" + value + "'");
      }
      return BooleanNode.valueOf(trimmed.equalsIgnoreCase("true"));
    }
    if (setting.type() == List.class) {
      ArrayNode list = JSON.createArrayNode();
      for (String item : trimmed.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      return list;
    }
    return TextNode.valueOf(trimmed);
  }

  private static Settings bind(ObjectNode tree) {
    try {
      return JSON.treeToValue(tree, Settings.class);
    } catch (JsonProcessingException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof SettingsException refused) {
          throw refused;
        }
      }
      String path = pathOf(e);
      if (e instanceof UnrecognizedPropertyException) {
        throw new SettingsException("unknown setting '" + path + "'");
      }
      if (path.startsWith("rooms.")) {
        throw new SettingsException(path + " must be " + roomOptionType(path));
      }
      for (Setting setting : Setting.ALL) {
        if (setting.path().equals(path)) {
          throw new SettingsException(path + " must be " + (setting.type() == int.class ? "an integer"
            : setting.type() == boolean.class ? "true or false"
            : setting.type() == List.class ? "a list of strings" : "a string"));
        }
      }
      throw new SettingsException("settings cannot be bound at '" + path + "': " + e.getOriginalMessage());
    }
  }

  /** What a room option (or a namespace's options) must be, by its path. */
  private static String roomOptionType(String path) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    if (path.split("\\.").length == 3 && path.startsWith("rooms.namespaces.")) {
      return "an object of room options";
    }
    return switch (key) {
      case "private", "history", "presence", "proxy" -> "true or false";
      case "historySize" -> "an integer";
      case "publish" -> "a string";
      default -> "an object of room options";
    };
  }

  /** The dotted path of the key a binding failure is about, without list indexes. */
  private static String pathOf(JsonProcessingException e) {
    List<String> names = new ArrayList<>();
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      mapping.getPath().forEach(reference -> names.add(reference.getFieldName()));
    } else if (e.getProcessor() instanceof JsonParser parser) {
      // A number too large for an int fails in the parser, before there is a mapping path.
      for (JsonStreamContext context = parser.getParsingContext(); context != null; context = context.getParent()) {
        names.add(context.getCurrentName());
      }
      Collections.reverse(names);
    }
    names.removeIf(name -> name == null);
    return String.join(".", names);
  }
}
