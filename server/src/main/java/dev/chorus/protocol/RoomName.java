package dev.chorus.protocol;

import java.util.regex.Pattern;

/** Room names: 1-64 of ASCII letters, digits, '-', '_' and '.'; the seed protocol's room is {@link #LOBBY}. */
public final class RoomName {

  /** The room of a join without one, and the room unjoined connections listen to (the seed has no rooms). */
  public static final String LOBBY = "lobby";
  /** Longest room name, in characters. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private RoomName() {
  }

  public static boolean isValid(String room) {
    return room != null && VALID.matcher(room).matches();
  }
}
