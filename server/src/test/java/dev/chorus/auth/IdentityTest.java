package dev.chorus.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdentityTest {

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
