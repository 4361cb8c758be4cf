package dev.chorus.protocol;

import java.util.regex.Pattern;

/**
 * Room names: {@code [namespace:]name}, an optional namespace of 1-32 ASCII letters, digits, '-' and '_',
 * then ':', then the name of 1-64 ASCII letters, digits, '-', '_' and '.'. The seed protocol's room is
 * {@link #LOBBY}, without a namespace. Whether a namespace exists is the settings' business, not the name's.
 */
public final class RoomName {

  /** The room of a join without one, and the room unjoined connections listen to (the seed has no rooms). */
  public static final String LOBBY = "lobby";
  /** Longest name, in characters, without its namespace. */
  public static final int MAX_LENGTH = 64;
  /** Longest namespace, in characters. */
  public static final int MAX_NAMESPACE_LENGTH = 32;

  private static final Pattern VALID = Pattern.compile(
    "(?:[A-Za-z0-9_-]{1," + MAX_NAMESPACE_LENGTH + "}:)?[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private RoomName() {
  }

  public static boolean isValid(String room) {
    return room != null && room.length() <= MAX_NAMESPACE_LENGTH + 1 + MAX_LENGTH && VALID.matcher(room).matches();
  }

  /** The namespace of a valid room name, or null when it has none. */
  public static String namespaceOf(String room) {
    int colon = room.indexOf(':');
    return colon < 0 ? null : room.substring(0, colon);
  }
}
