package dev.chorus.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.support.RepoFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings table ("## Settings" of docs/operations.md, else of README.md), conf/config.json and the Settings
 * records define the same settings: same JSON paths, same environment variables, same defaults.
 */
class SettingsDocsTest {

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  /** A row of the table: the setting's path, its variable and its default as written. */
  private record Row(String path, String variable, String defaultCell) {
  }

  @Test
  void everySettingHasARowWithItsVariableAndDefault() throws IOException {
    Map<String, Row> rows = table();
    JsonNode config = config();
    for (Setting setting : Setting.ALL) {
      Row row = rows.get(setting.path());
      assertNotNull(row, setting.path() + " has no row in the settings table of " + doc());
      assertEquals(setting.variable(), row.variable(), setting.path() + ": the table's environment variable");
      JsonNode value = config.path(setting.section()).path(setting.key());
      assertEquals(documented(value), documentedDefault(row.defaultCell()),
        setting.path() + ": the table's default against conf/config.json's " + value);
    }
    for (String path : Setting.FILE_ONLY) {
      Row row = rows.get(path);
      assertNotNull(row, path + " has no row in the settings table of " + doc());
      assertEquals("none", row.variable(), path + " is set in the file only");
      String[] keys = path.split("\\.");
      assertEquals(documented(config.path(keys[0]).path(keys[1])), documentedDefault(row.defaultCell()), path);
    }
  }

  @Test
  void everyRowNamesASetting() throws IOException {
    Set<String> paths = Setting.ALL.stream().map(Setting::path).collect(Collectors.toSet());
    paths.addAll(Setting.FILE_ONLY);
    for (String path : table().keySet()) {
      assertTrue(paths.contains(path), doc() + " documents '" + path + "', which is no setting");
    }
  }

  @Test
  void configJsonHoldsExactlyTheSettings() throws IOException {
    Set<String> leaves = new TreeSet<>();
    JsonNode config = config();
    for (Iterator<Map.Entry<String, JsonNode>> sections = config.fields(); sections.hasNext(); ) {
      Map.Entry<String, JsonNode> section = sections.next();
      if (!section.getValue().isObject()) {
        leaves.add(section.getKey());
      }
      section.getValue().fieldNames().forEachRemaining(key -> leaves.add(section.getKey() + "." + key));
    }
    Set<String> settings = Setting.ALL.stream().map(Setting::path).collect(Collectors.toCollection(TreeSet::new));
    settings.addAll(Setting.FILE_ONLY);
    Set<String> missing = new TreeSet<>(settings);
    missing.removeAll(leaves);
    Set<String> extra = new TreeSet<>(leaves);
    extra.removeAll(settings);
    assertEquals("missing [] extra []", "missing " + missing + " extra " + extra,
      "conf/config.json's keys against the Settings records");
  }

  /** The file holding the table: docs/operations.md once it has the section, README.md until then. */
  private static Path doc() throws IOException {
    Path operations = RepoFiles.path("docs", "operations.md");
    if (Files.isRegularFile(operations) && Files.readAllLines(operations).contains("## Settings")) {
      return operations;
    }
    return RepoFiles.path("README.md");
  }

  /** The rows of the section's table by path; a path listed twice fails. */
  private static Map<String, Row> table() throws IOException {
    List<String> section = new ArrayList<>();
    boolean inside = false;
    for (String line : Files.readAllLines(doc())) {
      if (line.startsWith("## ")) {
        inside = line.equals("## Settings");
      } else if (inside && line.startsWith("|")) {
        section.add(line);
      }
    }
    assertFalse(section.isEmpty(), doc() + " has no settings table");
    List<String> header = cells(section.get(0));
    int setting = header.indexOf("setting");
    int environment = header.indexOf("environment");
    int defaults = header.indexOf("default");
    assertTrue(setting >= 0 && environment >= 0 && defaults >= 0, "the table's header: " + header);
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : section.subList(2, section.size())) {
      List<String> cells = cells(line);
      Row row = new Row(unquote(cells.get(setting)), unquote(cells.get(environment)), cells.get(defaults));
      assertEquals(null, rows.put(row.path(), row), row.path() + " has two rows");
    }
    return rows;
  }

  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    for (String cell : line.substring(1).split("\\|", -1)) {
      cells.add(cell.trim());
    }
    return cells;
  }

  private static String unquote(String cell) {
    Matcher code = CODE.matcher(cell);
    return code.find() ? code.group(1) : cell;
  }

  /** A default as the table writes it: "empty..." for an empty text or list, else the first `code` span. */
  private static String documentedDefault(String cell) {
    return cell.startsWith("empty") ? "empty" : unquote(cell);
  }

  /** conf/config.json's value as the table writes it. */
  private static String documented(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(item.asText()));
      return items.isEmpty() ? "empty" : String.join(",", items);
    }
    if (value.isObject()) {
      return value.isEmpty() ? "empty" : value.toString();
    }
    return value.asText().isEmpty() ? "empty" : value.asText();
  }

  private static JsonNode config() throws IOException {
    return new ObjectMapper().readTree(RepoFiles.path("conf", "config.json").toFile());
  }
}
