package dev.chorus.config;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One setting, read by reflection from the {@link Settings} records: {@code section} is the Settings component
 * holding it, {@code key} the component of that section's record, {@code variable} its {@link Env}, {@code type}
 * the component's type (int, boolean, String or List of String). The rules the records check are here too, so every
 * refusal names the setting the same way: {@code limits.maxConnections (MAX_CONNECTIONS) must be ...}.
 */
record Setting(Class<?> group, String section, String key, String variable, Class<?> type) {

  /**
   * The settings of the file alone, JSON objects without a variable (a component of record or map type and no
   * {@link Env}): the room options. Declared before {@link #ALL}, which reads it.
   */
  static final List<String> FILE_ONLY = List.of("rooms.defaults", "rooms.namespaces");
  /** Every setting with an environment variable, in the order the records declare them. */
  static final List<Setting> ALL = discover();

  /** The JSON path: {@code section.key}. */
  String path() {
    return section + "." + key;
  }

  /** How messages name the setting: {@code path (VARIABLE)}. */
  String label() {
    return path() + " (" + variable + ")";
  }

  /** The setting {@code key} of the record {@code group}; an unknown one is a programming error. */
  static Setting of(Class<? extends Record> group, String key) {
    for (Setting setting : ALL) {
      if (setting.group == group && setting.key.equals(key)) {
        return setting;
      }
    }
    throw new IllegalArgumentException(group.getSimpleName() + " has no setting " + key);
  }

  /** The refusal of a value: the label, then {@code rule}, as one line. */
  SettingsException refused(String rule) {
    return new SettingsException(label() + " " + rule);
  }

  void requireRange(int value, int min, int max) {
    if (value < min || value > max) {
      throw refused("must be " + min + " to " + max + ", got " + value);
    }
  }

  void requirePort(int value, int min) {
    if (value < min || value > 65535) {
      throw refused("must be a port number " + min + "-65535, got " + value);
    }
  }

  void requireText(String value) {
    if (value.isBlank()) {
      throw refused("must not be empty");
    }
  }

  /** An empty path is allowed (the feature is off); another must name a readable file. */
  void requireReadable(String path) {
    if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
      throw refused("must name a readable file, got '" + path + "'");
    }
  }

  private static List<Setting> discover() {
    List<Setting> all = new ArrayList<>();
    for (RecordComponent section : Settings.class.getRecordComponents()) {
      for (RecordComponent key : section.getType().getRecordComponents()) {
        Env env = key.getAnnotation(Env.class);
        Class<?> type = key.getType();
        if (env == null && FILE_ONLY.contains(section.getName() + "." + key.getName())) {
          continue;
        }
        if (env == null || (type != int.class && type != boolean.class && type != String.class && type != List.class)) {
          throw new IllegalStateException(section.getName() + "." + key.getName() + " needs @Env and the type int, "
            + "boolean, String or List<String>");
        }
        all.add(new Setting(section.getType(), section.getName(), key.getName(), env.value(), type));
      }
    }
    return List.copyOf(all);
  }
}
