package dev.chorus.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/** Decodes client messages and encodes server messages of the /chat protocol. Thread-safe. */
public final class MessageCodec {

  /** Deepest accepted JSON nesting: the protocol needs 1, so anything deeper is not a message. */
  public static final int MAX_NESTING_DEPTH = 16;
  /** Longest accepted JSON number literal, in characters. */
  public static final int MAX_NUMBER_LENGTH = 64;
  /** Longest accepted JSON string, in characters; the message size limit usually binds first. */
  public static final int MAX_STRING_LENGTH = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
      .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(MAX_STRING_LENGTH).build())
    .build())
    // As the seed's json.loads: "{...} x" is not JSON.
    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** Characters outside the BMP are written as UTF-8, not as escaped surrogate pairs. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
    .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private MessageCodec() {
  }

  /**
   * Decodes one text message.
   *
   * @throws ProtocolException with {@link ChatError#INVALID_JSON} for text that is not JSON, and
   *                           {@link ChatError#INVALID_MESSAGE} for JSON that is not a known message
   */
  public static ClientMessage decode(String text) throws ProtocolException {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ChatError.INVALID_JSON);
    }
    if (node == null || node.isMissingNode()) {
      throw new ProtocolException(ChatError.INVALID_JSON);
    }
    if (!node.isObject()) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    JsonNode type = node.get("type");
    String kind = type != null && type.isTextual() ? type.textValue() : "";
    return switch (kind) {
      case "join" -> new ClientMessage.Join(optionalText(node, "name", ClientMessage.Join.DEFAULT_NAME),
        optionalRoom(node), optionalSince(node), optionalText(node, "epoch", null), optionalText(node, "token", null),
        optionalMeta(node));
      case "chat" -> new ClientMessage.Chat(optionalRoom(node), optionalText(node, "message", ""), optionalId(node));
      case "leave" -> new ClientMessage.Leave(optionalRoom(node));
      case "who" -> new ClientMessage.Who(optionalRoom(node));
      case "typing" -> new ClientMessage.Typing(optionalRoom(node));
      case "auth" -> new ClientMessage.Auth(optionalText(node, "token", ""));
      case "refresh" -> new ClientMessage.Refresh(optionalText(node, "token", ""));
      default -> throw new ProtocolException(ChatError.INVALID_MESSAGE);
    };
  }

  /** The room, or null when absent; a room that is not a valid name is refused. */
  private static String optionalRoom(JsonNode node) throws ProtocolException {
    String room = optionalText(node, "room", null);
    if (room != null && !RoomName.isValid(room)) {
      throw new ProtocolException(ChatError.INVALID_ROOM);
    }
    return room;
  }

  /** A chat's id, or null when absent; one that is not {@link ClientMessage.Chat#isValidId valid} is refused. */
  private static String optionalId(JsonNode node) throws ProtocolException {
    String id = optionalText(node, "id", null);
    if (id != null && !ClientMessage.Chat.isValidId(id)) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    return id;
  }

  /**
   * A join's meta: a JSON object of at most MAX_META_BYTES encoded, or null when absent. Its keys, at every
   * depth, are names others see: one holding a character {@link NameCharacters} forbids is the name error.
   * Its text values, at every depth, are shown to others too: one holding a control character or a bidi
   * override or isolate ({@link NameCharacters#anyControlOrBidi}) is the invalid-message error.
   */
  private static String optionalMeta(JsonNode node) throws ProtocolException {
    JsonNode value = node.get("meta");
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    String encoded = value.toString();
    if (encoded.length() > ClientMessage.Join.MAX_META_BYTES
      || encoded.getBytes(StandardCharsets.UTF_8).length > ClientMessage.Join.MAX_META_BYTES) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    checkShownText(value);
    return encoded;
  }

  private static void checkShownText(JsonNode value) throws ProtocolException {
    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
      if (NameCharacters.anyForbidden(names.next())) {
        throw new ProtocolException(ChatError.INVALID_NAME);
      }
    }
    if (value.isTextual() && NameCharacters.anyControlOrBidi(value.textValue())) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    for (JsonNode child : value) {
      checkShownText(child);
    }
  }

  /** A resume position: a non-negative integer, or null when absent. */
  private static Long optionalSince(JsonNode node) throws ProtocolException {
    JsonNode value = node.get("since");
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    return value.longValue();
  }

  private static String optionalText(JsonNode node, String field, String absent) throws ProtocolException {
    JsonNode value = node.get(field);
    if (value == null) {
      return absent;
    }
    if (!value.isTextual()) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    return value.textValue();
  }

  /**
   * The message as UTF-8 JSON with {@code type} first, the seed's fields in its order, then room, name, seq,
   * ts, and the rest.
   */
  public static byte[] encode(ServerMessage message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      if (message instanceof ServerMessage.Status status) {
        json.writeStringField("type", "status");
        json.writeStringField("message", status.message());
        json.writeStringField("room", status.room());
        writeMember(json, "name", status.member());
        if (status.meta() != null) {
          json.writeFieldName("meta");
          json.writeRawValue(status.meta());
        }
        if (status.epoch() != null) {
          json.writeStringField("epoch", status.epoch());
        }
      } else if (message instanceof ServerMessage.Chat chat) {
        json.writeStringField("type", "chat");
        json.writeStringField("sender", chat.sender());
        if (chat.user() != null) {
          json.writeStringField("user", chat.user());
        }
        json.writeStringField("message", chat.message());
        json.writeStringField("room", chat.room());
        if (chat.sequenced()) {
          json.writeNumberField("seq", chat.seq());
        }
        json.writeNumberField("ts", chat.ts());
        if (chat.id() != null) {
          json.writeStringField("id", chat.id());
        }
      } else if (message instanceof ServerMessage.Ack ack) {
        json.writeStringField("type", "ack");
        json.writeStringField("room", ack.room());
        json.writeStringField("id", ack.id());
        if (ack.seq() != ServerMessage.Chat.UNSEQUENCED) {
          json.writeNumberField("seq", ack.seq());
        }
        if (ack.epoch() != null) {
          json.writeStringField("epoch", ack.epoch());
        }
        if (ack.duplicate()) {
          json.writeBooleanField("duplicate", true);
        }
      } else if (message instanceof ServerMessage.Error error) {
        json.writeStringField("type", "error");
        json.writeStringField("message", error.message());
        if (error.room() != null) {
          json.writeStringField("room", error.room());
        }
      } else if (message instanceof ServerMessage.Typing typing) {
        json.writeStringField("type", "typing");
        json.writeStringField("room", typing.room());
        writeMember(json, "name", typing.member());
      } else if (message instanceof ServerMessage.Direct direct) {
        json.writeStringField("type", "direct");
        json.writeStringField("sender", direct.sender());
        json.writeStringField("message", direct.message());
        json.writeNumberField("ts", direct.ts());
      } else if (message instanceof ServerMessage.Refreshed refreshed) {
        json.writeStringField("type", "refreshed");
        json.writeNumberField("exp", refreshed.exp());
      } else if (message instanceof ServerMessage.Presence presence) {
        json.writeStringField("type", "presence");
        json.writeStringField("room", presence.room());
        json.writeArrayFieldStart("members");
        for (String member : presence.members()) {
          json.writeString(member);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("details");
        for (ServerMessage.Presence.Member member : presence.details()) {
          json.writeStartObject();
          writeMember(json, "name", member.member());
          json.writeNumberField("connections", member.connections());
          json.writeFieldName("meta");
          json.writeRawValue(member.meta() == null ? "{}" : member.meta());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("count", presence.count());
        if (presence.truncated()) {
          json.writeBooleanField("truncated", true);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A sender's name under {@code field}, then its user when it has one. */
  private static void writeMember(JsonGenerator json, String field, Sender sender) throws IOException {
    json.writeStringField(field, sender.name());
    if (sender.user() != null) {
      json.writeStringField("user", sender.user());
    }
  }
}
