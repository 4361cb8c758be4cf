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
    assertInvalidName(name);
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
    assertInvalidName(name);
  }

  /** Names written as {@code U+XXXX} escapes (and {@code n*} for n repeats of what follows) to keep them visible. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
    "only a no-break space                   | U+00A0",
    "only no-break spaces                    | U+00A0 U+00A0 U+00A0",
    "only an ideographic space               | U+3000",
    "only a figure space                     | U+2007",
    "only a narrow no-break space            | U+202F",
    "a Hangul filler alone                   | U+3164",
    "alice with a Hangul filler              | a l i c e U+3164",
    "a Hangul choseong filler                | U+115F",
    "a Hangul jungseong filler               | a U+1160",
    "a halfwidth Hangul filler               | a U+FFA0",
    "a braille blank                         | U+2800",
    "alice with a braille blank              | a l i c e U+2800",
    "an object replacement character         | a U+FFFC",
    "a combining grapheme joiner             | a U+034F l i c e",
    "a variation selector                    | a U+FE0F",
    "a heart with its emoji selector         | U+2764 U+FE0F",
    "a Khmer inherent vowel                  | a U+17B4",
    "a Mongolian free variation selector     | a U+180B",
    "a musical symbol format character       | a U+1D173",
    "a shorthand format control              | a U+1BCA0",
    "a supplementary variation selector      | a U+E0100",
    "a noncharacter-range default ignorable  | a U+FFF0",
    "five stacked combining marks            | a 5*U+0301",
    "30 stacked combining marks              | a 30*U+0301",
    "five stacked enclosing marks            | a 5*U+20DD"})
  void refusesInvisibleAndLookalikeNames(String description, String escaped) {
    assertInvalidName(unescape(escaped));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
    "e with a combining acute                | e U+0301",
    "Vietnamese stacked diacritics           | e U+0323 U+0302",
    "four stacked combining marks            | a 4*U+0301 b 4*U+0301",
    "a no-break space between words          | a l U+00A0 b o",
    "a braille letter                        | U+2801",
    "a Hangul syllable                       | U+AC00",
    "an emoji without a selector             | U+2764",
    "Devanagari with vowel signs             | U+0928 U+092E U+0938 U+094D U+0924 U+0947"})
  void acceptsMarksWithinTheirLimitAndVisibleSpaces(String description, String escaped) {
    assertTrue(rules.isValidName(unescape(escaped)));
  }

  private void assertInvalidName(String name) {
    assertFalse(rules.isValidName(name));
    ProtocolException refused = assertThrows(ProtocolException.class, () -> rules.checkName(name));
    assertEquals(ChatError.INVALID_NAME, refused.error());
  }

  /** {@code "a 2*U+0301 b"} is "a", two U+0301, "b". */
  private static String unescape(String escaped) {
    StringBuilder name = new StringBuilder();
    for (String part : escaped.trim().split(" +")) {
      int star = part.indexOf('*');
      int times = star < 0 ? 1 : Integer.parseInt(part.substring(0, star));
      String unit = star < 0 ? part : part.substring(star + 1);
      name.append((unit.startsWith("U+") ? Character.toString(Integer.parseInt(unit.substring(2), 16)) : unit)
        .repeat(times));
    }
    return name.toString();
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
