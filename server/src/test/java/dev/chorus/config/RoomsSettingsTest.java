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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rooms.defaults and rooms.namespaces: options filled with their defaults, checked with one line each. */
class RoomsSettingsTest {

  private static final Map<String, String> JWT = Map.of("JWT_SECRET", "a-test-secret-that-is-long-enough-for-hs256");

  @TempDir
  Path dir;

  private Settings load(String json, Map<String, String> env) throws IOException {
    Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("config.json"), json);
    return SettingsLoader.load(env, dir);
  }

  private String refusal(String json, Map<String, String> env) throws IOException {
    Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("config.json"), json);
    return assertThrows(SettingsException.class, () -> SettingsLoader.load(env, dir)).getMessage();
  }

  @Test
  void withoutRoomsSettingsEveryRoomIsPublicWithHistoryAndPresence() throws IOException {
    Settings settings = load("{}", Map.of("HISTORY_SIZE", "250"));
    Settings.RoomOptions defaults = settings.rooms().options(null);
    assertEquals(new Settings.RoomOptions(false, "members", true, 250, true, false), defaults);
    assertNull(settings.rooms().options("team"), "no namespace exists unless named");
  }

  @Test
  void aNamespaceTakesEachOptionsDefaultNotThoseOfRoomsDefaults() throws IOException {
    Settings settings = load("""
      {"history": {"size": 40},
       "rooms": {"defaults": {"presence": false},
                 "namespaces": {"team": {"private": true, "historySize": 7}, "news": {"publish": "server"}}}}""", JWT);
    assertFalse(settings.rooms().options(null).presence());
    assertEquals(new Settings.RoomOptions(true, "members", true, 7, true, false), settings.rooms().options("team"));
    assertEquals(new Settings.RoomOptions(false, "server", true, 40, true, false), settings.rooms().options("news"));
    assertEquals(7, settings.rooms().historySize("team"));
    assertEquals(40, settings.rooms().historySize("news"));
    assertEquals(40, settings.rooms().historySize("unknown"));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
    "{\"rooms\":{\"namespaces\":{\"team\":{\"colour\":\"red\"}}}}    | unknown setting 'rooms.namespaces.team.colour'",
    "{\"rooms\":{\"defaults\":{\"privat\":true}}}                   | unknown setting 'rooms.defaults.privat'",
    "{\"rooms\":{\"namespaces\":{\"team\":{\"private\":\"yes\"}}}}  | rooms.namespaces.team.private must be true or false",
    "{\"rooms\":{\"namespaces\":{\"team\":{\"historySize\":\"5\"}}}} | rooms.namespaces.team.historySize must be an integer",
    "{\"rooms\":{\"namespaces\":{\"team\":true}}}                   | rooms.namespaces.team must be an object of room options",
    "{\"rooms\":{\"namespaces\":{\"team\":{\"publish\":\"anyone\"}}}} | rooms.namespaces.team.publish must be \"members\" or \"server\", got 'anyone'",
    "{\"rooms\":{\"namespaces\":{\"team\":{\"historySize\":0}}}}    | rooms.namespaces.team.historySize must be 1 to 100000, got 0",
    "{\"rooms\":{\"defaults\":{\"historySize\":100001}}}            | rooms.defaults.historySize must be 1 to 100000, got 100001",
    "{\"rooms\":{\"namespaces\":{\"a b\":{}}}}                      | rooms.namespaces: 'a b' is no namespace name (1-32 letters, digits, '-', '_')",
    "{\"rooms\":{\"namespaces\":{\"\":{}}}}                         | rooms.namespaces: '' is no namespace name (1-32 letters, digits, '-', '_')",
    "{\"rooms\":{\"namespaces\":[]}}                                | rooms.namespaces must be an object in FILE",
  })
  void badRoomOptionsAreRefusedInOneLine(String json, String message) throws IOException {
    assertEquals(message.replace("FILE", dir.resolve("conf").resolve("config.json").toString()), refusal(json, JWT));
  }

  @Test
  void aPrivateNamespaceWithNoWayToGrantStopsStartUp() throws IOException {
    assertEquals("rooms.namespaces.team.private needs a way to grant: set security.jwtSecret (JWT_SECRET) or "
      + "security.jwtPublicKeyPath (JWT_PUBLIC_KEY_PATH), or proxy.joinUrl (JOIN_PROXY_URL) with \"proxy\": true",
      refusal("{\"rooms\":{\"namespaces\":{\"open\":{},\"team\":{\"private\":true}}}}", Map.of()));
    assertTrue(refusal("{\"rooms\":{\"defaults\":{\"private\":true}}}", Map.of()).startsWith("rooms.defaults.private "));
    assertTrue(load("{\"rooms\":{\"namespaces\":{\"team\":{\"private\":true}}}}", JWT).rooms().options("team")
      .privateRoom());
    // The join proxy grants too: a private namespace through it needs no JWT key.
    Map<String, String> proxied = Map.of("JOIN_PROXY_URL", "http://127.0.0.1:9/join", "WEBHOOK_SECRET", "a-secret-of-16-chars");
    assertTrue(load("{\"rooms\":{\"namespaces\":{\"team\":{\"private\":true,\"proxy\":true}}}}", proxied).rooms()
      .options("team").proxy());
    assertTrue(refusal("{\"rooms\":{\"namespaces\":{\"team\":{\"private\":true}}}}", proxied)
      .startsWith("rooms.namespaces.team.private "), "a private namespace not through the proxy still needs a key");
  }

  @Test
  void aProxyNeedsTheWebhookSecretToSignItsRequests() throws IOException {
    assertEquals("proxy.joinUrl (JOIN_PROXY_URL) needs webhooks.secret (WEBHOOK_SECRET) to sign its requests",
      refusal("{}", Map.of("JOIN_PROXY_URL", "http://127.0.0.1:9/join")));
    assertEquals("proxy.publishUrl (PUBLISH_PROXY_URL) must be an http or https URL, got 'ftp://x/y'",
      refusal("{}", Map.of("PUBLISH_PROXY_URL", "ftp://x/y", "WEBHOOK_SECRET", "a-secret-of-16-chars")));
  }
}
