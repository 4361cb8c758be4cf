package dev.chorus.auth;

import java.util.List;

/**
 * Who a verified connection token says the connection is.
 *
 * @param name  the user: the token's {@code name} claim, else its {@code sub}
 * @param rooms the token's {@code rooms} claim: room names, where a trailing {@code *} matches any suffix
 *              ({@code ["team:eng", "dm:alice-*"]}); empty when absent or not an array (non-text items are
 *              ignored)
 * @param exp   the token's expiry in epoch seconds, 0 when it has none
 */
public record Identity(String name, List<String> rooms, long exp) {

  public Identity {
    rooms = List.copyOf(rooms);
  }

  /** Whether the token's {@code rooms} claim grants {@code room}. */
  public boolean grants(String room) {
    for (String pattern : rooms) {
      if (pattern.endsWith("*") ? room.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(room)) {
        return true;
      }
    }
    return false;
  }
}
