package dev.chorus.chat;

import dev.chorus.config.Settings;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.NameCharacters;
import dev.chorus.protocol.ProtocolException;

/**
 * What a chat message and its sender must be, wherever the message comes from (a client or the admin API):
 * a name of 1 to limits.maxNameChars characters (Unicode code points), not only spaces, without the
 * characters {@link NameCharacters} forbids (controls, format and separator characters, invisible ones, piles
 * of combining marks), which would let a name pass for another or forge lines in other clients' views; a message of at most limits.maxChatChars characters; at most
 * limits.maxRoomsPerConnection rooms per connection. Immutable.
 */
public final class ChatRules {

  private final int maxNameChars;
  private final int maxChatChars;
  private final int maxRooms;

  public ChatRules(int maxNameChars, int maxChatChars, int maxRooms) {
    if (maxNameChars < 1 || maxChatChars < 1 || maxRooms < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxNameChars = maxNameChars;
    this.maxChatChars = maxChatChars;
    this.maxRooms = maxRooms;
  }

  public static ChatRules of(Settings.Limits limits) {
    return new ChatRules(limits.maxNameChars(), limits.maxChatChars(), limits.maxRoomsPerConnection());
  }

  /** Whether {@code name} may be a sender's name. */
  public boolean isValidName(String name) {
    if (name == null || NameCharacters.blank(name) || name.codePointCount(0, name.length()) > maxNameChars) {
      return false;
    }
    return !NameCharacters.anyForbidden(name);
  }

  /** Fails with {@link ChatError#INVALID_NAME} unless {@code name} may be a sender's name. */
  public void checkName(String name) throws ProtocolException {
    if (!isValidName(name)) {
      throw new ProtocolException(ChatError.INVALID_NAME);
    }
  }

  /**
   * Whether a chat message is short enough, and has no U+0000 (which PostgreSQL text cannot hold, and no
   * chat needs): one such character must not fail the transaction of everyone's chats stored with it.
   */
  public boolean fitsLength(String message) {
    return withinLength(message) && message.indexOf('\u0000') < 0;
  }

  private boolean withinLength(String message) {
    return message.length() <= maxChatChars || message.codePointCount(0, message.length()) <= maxChatChars;
  }

  /**
   * Fails with {@link ChatError#MESSAGE_TOO_LONG} for a chat message over limits.maxChatChars, and with
   * {@link ChatError#INVALID_MESSAGE} for one with U+0000.
   */
  public void checkLength(String message) throws ProtocolException {
    if (message.indexOf('\u0000') >= 0) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    if (!withinLength(message)) {
      throw new ProtocolException(ChatError.MESSAGE_TOO_LONG);
    }
  }

  /** Whether a connection already in {@code currentRooms} rooms may join one more. */
  public boolean mayJoinAnotherRoom(int currentRooms) {
    return currentRooms < maxRooms;
  }
}
