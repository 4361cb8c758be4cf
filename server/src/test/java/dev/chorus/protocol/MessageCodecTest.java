package dev.chorus.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The codec without Vert.x: decoding client messages, encoding server messages byte for byte. */
class MessageCodecTest {

  @Test
  void decodesJoinAndChat() throws ProtocolException {
    assertEquals(new ClientMessage.Join("alice"), MessageCodec.decode("{\"type\":\"join\",\"name\":\"alice\"}"));
    assertEquals(new ClientMessage.Chat("hi"), MessageCodec.decode("{\"type\":\"chat\",\"message\":\"hi\"}"));
  }

  @Test
  void seedDefaultsApplyToMissingFields() throws ProtocolException {
    assertEquals(new ClientMessage.Join("Anonymous"), MessageCodec.decode("{\"type\":\"join\"}"));
    assertEquals(new ClientMessage.Chat(""), MessageCodec.decode("{\"type\":\"chat\"}"));
  }

  @Test
  void notJsonIsInvalidJson() {
    ProtocolException failure = assertThrows(ProtocolException.class, () -> MessageCodec.decode("{oops"));
    assertEquals(ChatError.INVALID_JSON, failure.error());
  }

  @Test
  void emptyTextIsInvalidJson() {
    ProtocolException failure = assertThrows(ProtocolException.class, () -> MessageCodec.decode(""));
    assertEquals(ChatError.INVALID_JSON, failure.error());
  }

  @Test
  void unknownTypeIsInvalidMessage() {
    ProtocolException failure = assertThrows(ProtocolException.class, () -> MessageCodec.decode("{\"type\":\"x\"}"));
    assertEquals(ChatError.INVALID_MESSAGE, failure.error());
  }

  @Test
  void decodesRoomsSinceLeaveAndWho() throws ProtocolException {
    assertEquals(new ClientMessage.Join("alice", "dev", 41L, null, null),
      MessageCodec.decode("{\"type\":\"join\",\"name\":\"alice\",\"room\":\"dev\",\"since\":41}"));
    assertEquals(new ClientMessage.Join("alice", "team:eng", null, "a.b.c", null),
      MessageCodec.decode("{\"type\":\"join\",\"name\":\"alice\",\"room\":\"team:eng\",\"token\":\"a.b.c\"}"));
    assertEquals(new ClientMessage.Chat("dev", "hi"),
      MessageCodec.decode("{\"type\":\"chat\",\"room\":\"dev\",\"message\":\"hi\"}"));
    assertEquals(new ClientMessage.Leave("dev"), MessageCodec.decode("{\"type\":\"leave\",\"room\":\"dev\"}"));
    assertEquals(new ClientMessage.Who(null), MessageCodec.decode("{\"type\":\"who\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "room with a space    | {\"type\":\"join\",\"room\":\"a b\"}                  | INVALID_ROOM",
    "room too long        | {\"type\":\"chat\",\"room\":\"" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + "\"} | INVALID_ROOM",
    "empty room           | {\"type\":\"who\",\"room\":\"\"}                     | INVALID_ROOM",
    "room not a string    | {\"type\":\"leave\",\"room\":7}                     | INVALID_MESSAGE",
    "negative since       | {\"type\":\"join\",\"since\":-1}                    | INVALID_MESSAGE",
    "fractional since     | {\"type\":\"join\",\"since\":1.5}                   | INVALID_MESSAGE",
    "since as text        | {\"type\":\"join\",\"since\":\"4\"}                   | INVALID_MESSAGE"})
  void badRoomsAndPositionsAreRefused(String description, String text, ChatError expected) {
    ProtocolException failure = assertThrows(ProtocolException.class, () -> MessageCodec.decode(text));
    assertEquals(expected, failure.error());
  }

  /** The error of a join whose meta is {@code metaFormat} with {@code hex}'s character in it, as a JSON escape. */
  private static ChatError refusal(String metaFormat, String hex) {
    // As JSON escapes: a raw control character inside a JSON string is not JSON at all.
    String text = "{\"type\":\"join\",\"name\":\"alice\",\"meta\":" + metaFormat.formatted("\\u" + hex) + "}";
    return assertThrows(ProtocolException.class, () -> MessageCodec.decode(text)).error();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "right-to-left override in a key      | 202E | {\"ro%sle\":\"admin\"}",
    "zero-width joiner as a key           | 200D | {\"%s\":1}",
    "control character in a nested key    | 0007 | {\"device\":{\"os%s\":\"x\"}}",
    "format character in a key in a list  | FEFF | {\"tags\":[{\"a%s\":1}]}",
    "Hangul filler as a key               | 3164 | {\"%s\":1}",
    "variation selector in a nested key   | FE0F | {\"a\":{\"b%s\":1}}"})
  void metaKeysWithCharactersNoNameMayHoldAreTheNameError(String description, String hex, String metaFormat) {
    assertEquals(ChatError.INVALID_NAME, refusal(metaFormat, hex));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "right-to-left override in a value    | 202E | {\"role\":\"ad%smin\"}",
    "left-to-right embedding in a value   | 202A | {\"role\":\"%s\"}",
    "right-to-left isolate in a value     | 2067 | {\"role\":\"a%s\"}",
    "pop directional isolate in a value   | 2069 | {\"role\":\"a%s\"}",
    "start of heading in a value          | 0001 | {\"role\":\"a%s\"}",
    "line feed in a nested value          | 000A | {\"device\":{\"os\":\"x%sy\"}}",
    "C1 control in a value in a list      | 0085 | {\"tags\":[\"a\",\"b%s\"]}"})
  void metaValuesWithControlOrBidiCharactersAreInvalid(String description, String hex, String metaFormat) {
    assertEquals(ChatError.INVALID_MESSAGE, refusal(metaFormat, hex));
  }

  @Test
  void metaValuesAndPrintableKeysPass() throws ProtocolException {
    String meta = "{\"device\":\"phone \u00e9\",\"nested\":{\"k\u00e9y\":[1,2]}}";
    assertEquals(new ClientMessage.Join("alice", null, null, null, meta),
      MessageCodec.decode("{\"type\":\"join\",\"name\":\"alice\",\"meta\":" + meta + "}"));
  }

  @Test
  void encodesTheSeedsFieldsFirstThenRoomNameSeqAndTs() {
    assertEquals("{\"type\":\"chat\",\"sender\":\"alice\",\"message\":\"hi \\\"there\\\"\",\"room\":\"lobby\",\"seq\":7,\"ts\":1000}",
      new String(MessageCodec.encode(new ServerMessage.Chat("lobby", 7, 1000, "alice", "hi \"there\"")), StandardCharsets.UTF_8));
    ServerMessage.Status joined = ServerMessage.Status.joined("dev", "alice");
    assertEquals("{\"type\":\"status\",\"message\":\"" + joined.message() + "\",\"room\":\"dev\",\"name\":\"alice\"}",
      new String(MessageCodec.encode(joined), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"error\",\"message\":\"" + ChatError.INVALID_JSON.text() + "\"}",
      new String(ChatError.INVALID_JSON.encoded(), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"presence\",\"room\":\"dev\",\"members\":[\"alice\",\"bob\"],\"details\":["
        + "{\"name\":\"alice\",\"connections\":2,\"meta\":{\"role\":\"admin\"}},{\"name\":\"bob\",\"connections\":1,\"meta\":{}}],"
        + "\"count\":2}",
      new String(MessageCodec.encode(new ServerMessage.Presence("dev", List.of("alice", "bob"),
        List.of(new ServerMessage.Presence.Member("alice", 2, "{\"role\":\"admin\"}"),
          new ServerMessage.Presence.Member("bob", 1, null)), 2)), StandardCharsets.UTF_8));
  }

  @Test
  void presenceCutShortSaysSoWithTheRoomsCount() {
    assertEquals("{\"type\":\"presence\",\"room\":\"dev\",\"members\":[\"alice\"],\"details\":["
        + "{\"name\":\"alice\",\"connections\":1,\"meta\":{}}],\"count\":3,\"truncated\":true}",
      new String(MessageCodec.encode(new ServerMessage.Presence("dev", List.of("alice"),
        List.of(new ServerMessage.Presence.Member("alice", 1, null)), 3)), StandardCharsets.UTF_8));
  }

  @Test
  void aSenderWithAUserCarriesItAfterItsName() {
    Sender alice = new Sender("Alice", "idp|1001");
    assertEquals("{\"type\":\"chat\",\"sender\":\"Alice\",\"user\":\"idp|1001\",\"message\":\"hi\",\"room\":\"dev\","
        + "\"seq\":3,\"ts\":1000}",
      new String(MessageCodec.encode(new ServerMessage.Chat("dev", 3, 1000, alice, "hi", null)), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"status\",\"message\":\"Alice joined the chat.\",\"room\":\"dev\",\"name\":\"Alice\","
        + "\"user\":\"idp|1001\"}",
      new String(MessageCodec.encode(ServerMessage.Status.joined("dev", alice, null)), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"typing\",\"room\":\"dev\",\"name\":\"Alice\",\"user\":\"idp|1001\"}",
      new String(MessageCodec.encode(new ServerMessage.Typing("dev", alice)), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"presence\",\"room\":\"dev\",\"members\":[\"Alice\"],\"details\":["
        + "{\"name\":\"Alice\",\"user\":\"idp|1001\",\"connections\":1,\"meta\":{}}],\"count\":1}",
      new String(MessageCodec.encode(new ServerMessage.Presence("dev", List.of("Alice"),
        List.of(new ServerMessage.Presence.Member(alice, 1, null)), 1)), StandardCharsets.UTF_8));
  }

  @Test
  void encodesNonAsciiAsUtf8() {
    byte[] encoded = MessageCodec.encode(new ServerMessage.Chat("r", 1, 2, "\u00e9", "\uD83D\uDE00"));
    assertEquals("{\"type\":\"chat\",\"sender\":\"\u00e9\",\"message\":\"\uD83D\uDE00\",\"room\":\"r\",\"seq\":1,\"ts\":2}",
      new String(encoded, StandardCharsets.UTF_8));
  }
}
