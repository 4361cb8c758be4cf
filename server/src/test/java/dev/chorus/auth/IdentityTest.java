package dev.chorus.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "right-to-left override   | bob\u202eecila",
    "zero-width space         | bob\u200b",
    "zero-width joiner        | a\u200db",
    "Hangul filler            | bob\u3164",
    "line separator           | bob\u2028",
    "only spaces              | '\u00a0 '",
    "empty                    | ''",
    "a control character      | bo\u0007b"})
  void aSubWithWhatNoNameMayHoldIsNoUser(String description, String sub) {
    assertFalse(Identity.isValidUser(sub));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "a Keycloak UUID          | 3f1e8c2a-9b7d-4c5e-8f6a-1b2c3d4e5f60",
    "an Auth0 sub             | auth0|5f7c8ec7c33c6c004bbafe82",
    "a name with an accent    | zo\u00e9"})
  void printableSubsAreUsers(String description, String sub) {
    assertTrue(Identity.isValidUser(sub));
  }

  @Test
  void aSubIsAUserUpTo255Characters() {
    assertTrue(Identity.isValidUser("u".repeat(255)));
    assertFalse(Identity.isValidUser("u".repeat(256)));
    assertFalse(Identity.isValidUser(null));
  }

  @Test
  void withoutANameClaimTheSubIsShownCutToTheNameLimit() {
    String uuid = "3f1e8c2a-9b7d-4c5e-8f6a-1b2c3d4e5f60";
    assertEquals("3f1e8c2a-9b7d-4c5e-8f6a-1b2c3d4e", Identity.displayName(null, uuid, 32));
    assertEquals("short", Identity.displayName(null, "short", 32));
    assertEquals("\uD83D\uDE00".repeat(2), Identity.displayName(null, "\uD83D\uDE00".repeat(3), 2));
    assertEquals("Alice", Identity.displayName("Alice", uuid, 32));
  }

  @ParameterizedTest(name = "grant {0}, room {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
    "team:eng      | team:eng           | true",
    "team:eng      | team:engineering   | false",
    "team:*        | team:eng           | true",
    "team:e*       | team:eng           | true",
    "team:proj-*   | team:proj-a.b      | true",
    "team:proj-*   | team:proj          | false",
    "te*           | team:eng           | false",
    "te*           | test               | true",
    "team*         | team:eng           | false",
    "*             | lobby              | true",
    "*             | team:eng           | false",
    "team:*        | teams:eng          | false",
    "*:eng         | team:eng           | false",
    "t*:eng        | team:eng           | false",
    "dm:alice-*    | dm:alice-bob       | true",
    "dm:alice.bob  | dm:alice.bob       | true",
    "dm:alice.bob  | dm:alice.bob.carol | false",
    "dm:alice.bob  | dm:alice.bobby     | false",
    "''            | lobby              | false"})
  void aStarMatchesOnlyTheRestOfTheNamePartAfterItsLiteralPrefix(String grant, String room, boolean granted) {
    assertEquals(granted, new Identity("alice", "alice", List.of(grant), 0).grants(room));
  }
}
