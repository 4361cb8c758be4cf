package dev.chorus.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** history.size (HISTORY_SIZE) and admin.token (ADMIN_TOKEN): defaults, overrides, validation. */
class HistoryAndAdminSettingsTest {

  private static final Path NO_FILE = Path.of("target");

  @Test
  void defaultsRetainAThousandMessagesAndKeepTheApiOff() {
    Settings settings = SettingsLoader.load(Map.of(), NO_FILE);
    assertEquals(1000, settings.history().size());
    assertFalse(settings.admin().enabled());
  }

  @Test
  void environmentOverridesBoth() {
    Settings settings = SettingsLoader.load(Map.of("HISTORY_SIZE", "50", "ADMIN_TOKEN", "0123456789abcdef"), NO_FILE);
    assertEquals(50, settings.history().size());
    assertTrue(settings.admin().enabled());
    assertFalse(settings.toString().contains("0123456789abcdef"), "the token leaked into toString");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "HISTORY_SIZE, 0, history.size",
    "HISTORY_SIZE, 100001, history.size",
    "HISTORY_SIZE, lots, HISTORY_SIZE",
    "HISTORY_STORE, disk, history.store",
    "HISTORY_STORE, postgres, history.postgresUrl",
    "HISTORY_RETENTION_DAYS, -1, history.retentionDays",
    "ADMIN_TOKEN, short, admin.token",
    "ADMIN_TOKEN, 'has a space in it ok', admin.token"})
  void badValuesAreRefusedNamingTheSetting(String variable, String value, String named) {
    SettingsException e = assertThrows(SettingsException.class,
      () -> SettingsLoader.load(Map.of(variable, value), NO_FILE));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @Test
  void thePostgresStoreTakesAUrlAndNeverPrintsItsPassword() {
    Settings settings = SettingsLoader.load(Map.of("HISTORY_STORE", "postgres",
      "HISTORY_POSTGRES_URL", "postgresql://chorus:s3cret-pw@db.internal:5432/chat", "HISTORY_RETENTION_DAYS", "30"),
      NO_FILE);
    assertTrue(settings.history().durable());
    assertEquals(30, settings.history().retentionDays());
    assertFalse(settings.toString().contains("s3cret-pw"), settings.toString());
    assertTrue(settings.toString().contains("postgresql://chorus:***@db.internal:5432/chat"), settings.toString());
    SettingsException refused = assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(
      "HISTORY_STORE", "postgres", "HISTORY_POSTGRES_URL", "mysql://chorus:s3cret-pw@db/chat"), NO_FILE));
    assertFalse(refused.getMessage().contains("s3cret-pw"), refused.getMessage());
    assertFalse(SettingsLoader.load(Map.of(), NO_FILE).history().durable());
  }
}
