package dev.chorus.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The operator's file is bound strictly: unknown keys and wrong types fail with one line naming the setting. */
class SettingsBindingTest {

  @TempDir
  Path dir;

  private SettingsException refusal(String json) throws IOException {
    Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("config.json"), json);
    return assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(), dir));
  }

  private String file() {
    return dir.resolve("conf").resolve("config.json").toString();
  }

  @Test
  void unknownSectionIsRefusedNamingTheFile() throws IOException {
    assertEquals("unknown setting 'htp' in " + file(), refusal("{\"htp\":{\"port\":1}}").getMessage());
  }

  @Test
  void unknownKeyIsRefusedNamingTheFile() throws IOException {
    assertEquals("unknown setting 'limits.maxConnection' in " + file(),
      refusal("{\"limits\":{\"maxConnection\":5}}").getMessage());
  }

  @Test
  void sectionThatIsNoObjectIsRefused() throws IOException {
    assertEquals("http must be an object in " + file(), refusal("{\"http\":8080}").getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "{\"http\":{\"port\":\"8080\"}}                     | http.port must be an integer",
    "{\"http\":{\"port\":8080.5}}                       | http.port must be an integer",
    "{\"http\":{\"port\":99999999999}}                  | http.port must be an integer",
    "{\"http\":{\"port\":null}}                         | http.port must be an integer",
    "{\"http\":{\"port\":true}}                         | http.port must be an integer",
    "{\"limits\":{\"maxConnections\":[5]}}              | limits.maxConnections must be an integer",
    "{\"cluster\":{\"name\":5}}                         | cluster.name must be a string",
    "{\"http\":{\"host\":true}}                         | http.host must be a string",
    "{\"http\":{\"host\":[\"0.0.0.0\"]}}                  | http.host must be a string",
    "{\"http\":{\"publicHost\":1.5}}                    | http.publicHost must be a string",
    "{\"admin\":{\"token\":null}}                       | admin.token must be a string",
    "{\"logging\":{\"format\":{}}}                      | logging.format must be a string",
    "{\"cluster\":{\"members\":\"10.0.0.1\"}}           | cluster.members must be a list of strings",
    "{\"security\":{\"allowedOrigins\":[1]}}            | security.allowedOrigins must be a list of strings",
    "{\"security\":{\"allowedOrigins\":[null]}}         | security.allowedOrigins must be a list of strings",
    "{\"server\":{\"perMessageDeflate\":\"true\"}}       | server.perMessageDeflate must be true or false",
    "{\"server\":{\"perMessageDeflate\":1}}            | server.perMessageDeflate must be true or false",
    "{\"server\":{\"perMessageDeflate\":null}}         | server.perMessageDeflate must be true or false"})
  void wrongTypeIsRefusedNamingTheSetting(String json, String message) throws IOException {
    assertEquals(message, refusal(json).getMessage());
  }

  @Test
  void badValueInTheFileNamesTheSettingAndItsVariable() throws IOException {
    assertEquals("limits.maxConnections (MAX_CONNECTIONS) must be 1 to 1000000, got 0",
      refusal("{\"limits\":{\"maxConnections\":0}}").getMessage());
  }

  @Test
  void listsAndTextFromTheFileAreTakenAsWritten() throws IOException {
    Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("config.json"),
      "{\"security\":{\"allowedOrigins\":[\"*\"]},\"logging\":{\"format\":\"json\"}}");
    Settings settings = SettingsLoader.load(Map.of(), dir);
    assertEquals(java.util.List.of("*"), settings.security().allowedOrigins());
    assertEquals("json", settings.logging().format());
  }
}
