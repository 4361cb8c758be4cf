package dev.chorus.protocol;

import java.util.Locale;

/**
 * The error replies of /chat. The first two texts are the seed article's and a contract with its clients.
 * Each reply is encoded once, here.
 */
public enum ChatError {
  /** The text is not JSON. */
  INVALID_JSON("Invalid JSON format."),
  /** Valid JSON that is not a known message, has fields of the wrong type, or is a chat before a join. */
  INVALID_MESSAGE("Invalid message format or not joined."),
  /** A second join on a connection that has already joined. */
  ALREADY_JOINED("Already joined."),
  /** A chat message longer than limits.maxChatChars. */
  MESSAGE_TOO_LONG("Message too long."),
  /**
   * A name that is empty, too long (limits.maxNameChars), only spaces or holds what {@link NameCharacters}
   * forbids; a join's meta with such a character in a key.
   */
  INVALID_NAME("Invalid name."),
  /** A message beyond the connection's rate limit; it was dropped. */
  RATE_LIMITED("Too many messages: slow down."),
  /** A join beyond limits.maxRoomsPerConnection. */
  TOO_MANY_ROOMS("Too many rooms."),
  /** A message other than auth before the connection has authenticated (JWT enabled). */
  AUTH_REQUIRED("Authentication required."),
  /** A room name that is not [namespace:]name (docs/protocol.md), or whose namespace the settings do not name. */
  INVALID_ROOM("Invalid room name."),
  /** A join (or who) of a private room without a grant, or with a bad, expired or foreign room token. */
  NOT_ALLOWED_IN_ROOM("Not allowed in that room."),
  /** A client's chat in a room whose namespace has publish "server". */
  NOT_ALLOWED_TO_PUBLISH("Not allowed to publish here."),
  /** A join or chat its proxy did not answer in time, or answered with a failure: nothing happened. */
  TRY_AGAIN_LATER("Try again later."),
  /** A chat the publish proxy refused: it reached nobody. */
  MESSAGE_REJECTED("Message rejected."),
  /** A who of a room whose namespace has presence off. */
  PRESENCE_OFF("Presence is off in this room."),
  /** A chat or leave naming a room the connection has not joined. */
  NOT_IN_ROOM("Not in that room."),
  /** A chat, leave or who without a room on a connection that is in several rooms. */
  ROOM_REQUIRED("Room required: the connection is in several rooms."),
  /** The message could not be sequenced (cluster trouble); it was not delivered to anyone. */
  NOT_DELIVERED("Message not delivered, try again."),
  /** A resume asked for messages older than the room retains: some missed messages are lost to this client. */
  HISTORY_GAP("Some missed messages are no longer retained."),
  /**
   * A resume from a seq the room never reached: its history was reset (the whole cluster restarted) and
   * seqs started again at 1. Everything retained follows; the client should forget its old positions.
   */
  HISTORY_RESET("The room's history was reset; seqs started again."),
  /** Presence could not be read (cluster trouble). */
  PRESENCE_UNAVAILABLE("Presence unavailable, try again.");

  private final String text;
  private final byte[] encoded;
  private final String metricKind = name().toLowerCase(Locale.ROOT);

  ChatError(String text) {
    this.text = text;
    this.encoded = MessageCodec.encode(new ServerMessage.Error(text));
  }

  /** The error's kind in the metrics ({@code chorus_errors_total{kind}}): the constant's name in lower case. */
  public String metricKind() {
    return metricKind;
  }

  /** The human-readable message of the reply. */
  public String text() {
    return text;
  }

  /** The reply as UTF-8 JSON, shared: never modify. */
  public byte[] encoded() {
    return encoded;
  }

  /** The reply naming the room it concerns, as UTF-8 JSON. */
  public byte[] encoded(String room) {
    return MessageCodec.encode(new ServerMessage.Error(text, room));
  }
}
