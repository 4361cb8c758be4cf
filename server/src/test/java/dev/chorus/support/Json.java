package dev.chorus.support;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.json.JsonObject;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seed protocol's messages, for assertions. Messages may gain fields (room, seq, ts), so a received
 * message matches an expected one when every expected field has the expected value. Texts come from
 * dev.chorus.protocol (ChatError, ServerMessage.Status); ChatProtocolTest holds the seed's texts literally.
 */
public final class Json {

  private Json() {
  }

  public static JsonObject status(String message) {
    return new JsonObject().put("type", "status").put("message", message);
  }

  public static JsonObject chat(String sender, String message) {
    return new JsonObject().put("type", "chat").put("sender", sender).put("message", message);
  }

  /** A status of a room: joined/left notices carry room and name. */
  public static JsonObject status(String room, String name, String message) {
    return status(message).put("room", room).put("name", name);
  }

  /** A chat message in a room. */
  public static JsonObject chat(String room, String sender, String message) {
    return chat(sender, message).put("room", room);
  }

  /** A presence answer. */
  public static JsonObject presence(String room, String... members) {
    return new JsonObject().put("type", "presence").put("room", room)
      .put("members", new io.vertx.core.json.JsonArray(java.util.List.of(members)));
  }

  public static JsonObject error(String message) {
    return new JsonObject().put("type", "error").put("message", message);
  }

  /** The error reply with {@code error}'s text (no room). */
  public static JsonObject error(ChatError error) {
    return error(error.text());
  }

  /** The error reply with {@code error}'s text, about {@code room}. */
  public static JsonObject error(ChatError error, String room) {
    return error(error.text()).put("room", room);
  }

  /** The seed's join notice: type and message only, as the seed's clients see it. */
  public static JsonObject joined(String name) {
    return status(ServerMessage.Status.joined(RoomName.LOBBY, name).message());
  }

  /** The seed's leave notice: type and message only. */
  public static JsonObject left(String name) {
    return status(ServerMessage.Status.left(RoomName.LOBBY, name).message());
  }

  /** A room's join notice: message, room and name. */
  public static JsonObject joined(String room, String name) {
    return status(ServerMessage.Status.joined(room, name));
  }

  /** A room's leave notice: message, room and name. */
  public static JsonObject left(String room, String name) {
    return status(ServerMessage.Status.left(room, name));
  }

  private static JsonObject status(ServerMessage.Status status) {
    return status(status.room(), status.name(), status.message());
  }

  /** True when every field of {@code expected} is in {@code actual} with the same value. */
  public static boolean matches(JsonObject expected, JsonObject actual) {
    for (String field : expected.fieldNames()) {
      if (!actual.containsKey(field) || !java.util.Objects.equals(expected.getValue(field), actual.getValue(field))) {
        return false;
      }
    }
    return true;
  }

  /** Fails unless {@code actual} {@link #matches} {@code expected}. */
  public static void assertMatches(JsonObject expected, JsonObject actual) {
    if (!matches(expected, actual)) {
      fail("expected a message with " + expected.encode() + " but got " + actual.encode());
    }
  }
}
