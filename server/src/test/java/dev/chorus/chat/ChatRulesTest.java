package dev.chorus.chat;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatRulesTest {

  private final ChatRules rules = new ChatRules(32, 10, 3);

  @ParameterizedTest(name = "valid: \"{0}\"")
  @ValueSource(strings = {"a", "alice", "Anonymous", "김철수", "alice smith", "\uD83D\uDE00",
    "12345678901234567890123456789012"})
  void acceptsNamesOfOneTo32PrintableCharacters(String name) {
    assertTrue(rules.isValidName(name));
  }

  @ParameterizedTest(name = "invalid: \"{0}\"")
  @ValueSource(strings = {"", " ", "\t", "123456789012345678901234567890123", "a\u0000b", "a\nb", "a\rb",
    "a\u001bb", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b"})
  void refusesEmptyTooLongAndControlCharacters(String name) {
    assertFalse(rules.isValidName(name));
    ProtocolException refused = assertThrows(ProtocolException.class, () -> rules.checkName(name));
    assertEquals(ChatError.INVALID_NAME, refused.error());
  }

  @ParameterizedTest(name = "{0} (U+{1})")
  @CsvSource(delimiter = '|', value = {
    "right-to-left override     | 202E",
    "left-to-right override     | 202D",
    "right-to-left isolate      | 2067",
    "pop directional isolate    | 2069",
    "right-to-left mark         | 200F",
    "arabic letter mark         | 061C",
    "zero-width space           | 200B",
    "zero-width non-joiner      | 200C",
    "zero-width joiner          | 200D",
    "soft hyphen                | 00AD",
    "byte-order mark            | FEFF",
    "language tag (beyond BMP)  | E0001",
    "backspace                  | 0008"})
  void refusesFormatAndControlCharactersAnywhereInTheName(String description, String hex) {
    String name = "ali" + Character.toString(Integer.parseInt(hex, 16)) + "ce";
    ProtocolException refused = assertThrows(ProtocolException.class, () -> rules.checkName(name));
    assertEquals(ChatError.INVALID_NAME, refused.error());
  }

  @Test
  void countsCodePointsNotCharsAndRefusesNull() {
    assertTrue(rules.isValidName("\uD83D\uDE00".repeat(32)));
    assertFalse(rules.isValidName("\uD83D\uDE00".repeat(33)));
    assertFalse(rules.isValidName(null));
  }

  @Test
  void chatLengthCountsCodePoints() throws ProtocolException {
    assertTrue(rules.fitsLength("0123456789"));
    assertTrue(rules.fitsLength("\uD83D\uDE00".repeat(10)));
    assertFalse(rules.fitsLength("01234567890"));
    assertFalse(rules.fitsLength("\uD83D\uDE00".repeat(11)));
    rules.checkLength("short");
    ProtocolException refused = assertThrows(ProtocolException.class, () -> rules.checkLength("01234567890"));
    assertEquals(ChatError.MESSAGE_TOO_LONG, refused.error());
  }

  @Test
  void aChatWithUPlus0000IsInvalid() {
    assertFalse(rules.fitsLength("a\u0000b"));
    ProtocolException refused = assertThrows(ProtocolException.class, () -> rules.checkLength("nul\u0000"));
    assertEquals(ChatError.INVALID_MESSAGE, refused.error());
  }

  @Test
  void joinsUpToTheRoomLimitThenRefuses() {
    assertTrue(rules.mayJoinAnotherRoom(0));
    assertTrue(rules.mayJoinAnotherRoom(2));
    assertFalse(rules.mayJoinAnotherRoom(3));
    assertFalse(rules.mayJoinAnotherRoom(4));
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ChatRules(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ChatRules(1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ChatRules(1, 1, 0));
  }
}
