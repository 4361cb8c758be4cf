package dev.chorus.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
  void encodesInTheSeedsFieldOrder() {
    assertEquals("{\"type\":\"chat\",\"sender\":\"alice\",\"message\":\"hi \\\"there\\\"\"}",
      new String(MessageCodec.encode(new ServerMessage.Chat("alice", "hi \"there\"")), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"status\",\"message\":\"alice joined the chat.\"}",
      new String(MessageCodec.encode(ServerMessage.Status.joined("alice")), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"error\",\"message\":\"Invalid JSON format.\"}",
      new String(ChatError.INVALID_JSON.encoded(), StandardCharsets.UTF_8));
  }

  @Test
  void encodesNonAsciiAsUtf8() {
    byte[] encoded = MessageCodec.encode(new ServerMessage.Chat("\u00e9", "\uD83D\uDE00"));
    assertEquals("{\"type\":\"chat\",\"sender\":\"\u00e9\",\"message\":\"\uD83D\uDE00\"}",
      new String(encoded, StandardCharsets.UTF_8));
  }
}
