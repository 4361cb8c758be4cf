package dev.chorus.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsLoaderTest {

  @TempDir
  Path dir;

  private Path writeConfig(String json) throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    return Files.writeString(conf.resolve("config.json"), json);
  }

  @Test
  void defaultsApplyWithoutFileOrEnvironment() {
    Settings settings = SettingsLoader.load(Map.of(), dir);
    assertEquals(8080, settings.http().port());
    assertEquals("0.0.0.0", settings.http().host());
    assertEquals("chorus", settings.cluster().name());
    assertEquals("127.0.0.1", settings.cluster().host());
    assertEquals(5701, settings.cluster().port());
    assertEquals(List.of(), settings.cluster().members());
    assertEquals(0, settings.cluster().eventBusPort());
    assertEquals(0, settings.server().instances());
    assertEquals(65536, settings.server().maxMessageBytes());
    assertEquals(10, settings.server().shutdownTimeoutSeconds());
    assertEquals(false, settings.server().perMessageDeflate());
  }

  @ParameterizedTest(name = "PER_MESSAGE_DEFLATE={0}")
  @CsvSource({"true, true", "' TRUE ', true", "false, false", "False, false"})
  void booleanFromTheEnvironmentIsTrueOrFalseInAnyCase(String value, boolean expected) {
    assertEquals(expected, SettingsLoader.load(Map.of("PER_MESSAGE_DEFLATE", value), dir).server().perMessageDeflate());
  }

  @Test
  void booleanFromTheFileIsTakenAsWritten() throws IOException {
    writeConfig("{\"server\":{\"perMessageDeflate\":true}}");
    assertEquals(true, SettingsLoader.load(Map.of(), dir).server().perMessageDeflate());
  }

  @Test
  void fileOverridesDefaultsKeyByKey() throws IOException {
    writeConfig("{\"http\":{\"port\":9090},\"cluster\":{\"members\":[\"10.0.0.1:5701\"]}}");
    Settings settings = SettingsLoader.load(Map.of(), dir);
    assertEquals(9090, settings.http().port());
    assertEquals("0.0.0.0", settings.http().host());
    assertEquals(List.of("10.0.0.1:5701"), settings.cluster().members());
  }

  @Test
  void environmentOverridesFile() throws IOException {
    writeConfig("{\"http\":{\"port\":9090}}");
    Settings settings = SettingsLoader.load(Map.of(
      "HTTP_PORT", "9191",
      "CLUSTER_PORT", "5801",
      "CLUSTER_MEMBERS", " 127.0.0.1:5701 , 127.0.0.1:5702,,",
      "EVENTBUS_PORT", "6000",
      "CLUSTER_NAME", "blue"), dir);
    assertEquals(9191, settings.http().port());
    assertEquals(5801, settings.cluster().port());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), settings.cluster().members());
    assertEquals(6000, settings.cluster().eventBusPort());
    assertEquals("blue", settings.cluster().name());
  }

  @Test
  void configFileCanBeNamedByEnvironment() throws IOException {
    Path file = Files.writeString(dir.resolve("other.json"), "{\"server\":{\"instances\":3}}");
    Settings settings = SettingsLoader.load(Map.of("CHORUS_CONFIG", file.toString()), dir);
    assertEquals(3, settings.server().instances());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "HTTP_PORT        | eighty      | HTTP_PORT must be an integer, got 'eighty'",
    "HTTP_PORT        | 70000       | http.port (HTTP_PORT) must be a port number 1-65535, got 70000",
    "HTTP_PORT        | 0           | http.port (HTTP_PORT) must be a port number 1-65535, got 0",
    "CLUSTER_PORT     | -1          | cluster.port (CLUSTER_PORT) must be a port number 1-65535, got -1",
    "EVENTBUS_PORT    | 65536       | cluster.eventBusPort (EVENTBUS_PORT) must be a port number 0-65535, got 65536",
    "CLUSTER_HOST     | 0.0.0.0     | cluster.host (CLUSTER_HOST) must be an address peers can reach, not 0.0.0.0",
    "CLUSTER_HOST     | 192.0.2.77  | cluster.host (CLUSTER_HOST) must be an address of this machine, got 192.0.2.77",
    "CLUSTER_HOST     | no.such.host.invalid | cluster.host (CLUSTER_HOST) must be a resolvable address, got 'no.such.host.invalid'",
    "CLUSTER_MEMBERS  | 10.0.0.1:x  | cluster.members (CLUSTER_MEMBERS) must list host[:port] entries, got '10.0.0.1:x'",
    "CLUSTER_NAME     | ' '         | cluster.name (CLUSTER_NAME) must not be empty",
    "SERVER_INSTANCES | -2          | server.instances (SERVER_INSTANCES) must be 0 (one per core) to 256, got -2",
    "MAX_MESSAGE_BYTES | 10         | server.maxMessageBytes (MAX_MESSAGE_BYTES) must be 125 to 16777216, got 10",
    "PER_MESSAGE_DEFLATE | yes      | PER_MESSAGE_DEFLATE must be true or false, got 'yes'",
    "PER_MESSAGE_DEFLATE | 1        | PER_MESSAGE_DEFLATE must be true or false, got '1'"})
  void badEnvironmentValueNamesTheSetting(String variable, String value, String message) {
    SettingsException failure = assertThrows(SettingsException.class,
      () -> SettingsLoader.load(Map.of(variable, value), dir));
    assertEquals(message, failure.getMessage());
  }

  @Test
  void unknownKeyInFileIsReported() throws IOException {
    Path file = writeConfig("{\"http\":{\"prot\":9090}}");
    SettingsException failure = assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(), dir));
    assertEquals("unknown setting 'http.prot' in " + file, failure.getMessage());
  }

  @Test
  void wrongTypeInFileIsReported() throws IOException {
    writeConfig("{\"http\":{\"port\":\"9090\"}}");
    SettingsException failure = assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(), dir));
    assertEquals("http.port must be an integer", failure.getMessage());
  }

  @Test
  void invalidJsonFileIsReported() throws IOException {
    Path file = writeConfig("{\"http\":");
    SettingsException failure = assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(), dir));
    assertEquals(true, failure.getMessage().startsWith(file + " is not valid JSON"), failure.getMessage());
  }

  @Test
  void missingNamedConfigFileIsReported() {
    SettingsException failure = assertThrows(SettingsException.class,
      () -> SettingsLoader.load(Map.of("CHORUS_CONFIG", "nope.json"), dir));
    assertEquals("CHORUS_CONFIG must name a readable file, got 'nope.json'", failure.getMessage());
  }
}
