package dev.chorus.guard;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameRulesTest {

  private final NameRules rules = new NameRules(32);

  @ParameterizedTest(name = "valid: \"{0}\"")
  @ValueSource(strings = {"a", "alice", "Anonymous", "김철수", "alice smith", "\uD83D\uDE00",
    "12345678901234567890123456789012"})
  void acceptsNamesOfOneTo32PrintableCharacters(String name) {
    assertTrue(rules.isValid(name));
  }

  @ParameterizedTest(name = "invalid: \"{0}\"")
  @ValueSource(strings = {"", " ", "\t", "123456789012345678901234567890123", "a\u0000b", "a\nb", "a\rb",
    "a\u001bb", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b"})
  void refusesEmptyTooLongAndControlCharacters(String name) {
    assertFalse(rules.isValid(name));
  }

  @org.junit.jupiter.api.Test
  void countsCodePointsNotCharsAndRefusesNull() {
    assertTrue(rules.isValid("\uD83D\uDE00".repeat(32)));
    assertFalse(rules.isValid("\uD83D\uDE00".repeat(33)));
    assertFalse(rules.isValid(null));
  }
}
