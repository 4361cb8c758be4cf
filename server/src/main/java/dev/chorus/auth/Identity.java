package dev.chorus.auth;

import dev.chorus.protocol.Sender;

import java.util.List;

/**
 * Who a verified connection token says the connection is.
 *
 * @param user  the user: the token's {@code sub}
 * @param name  the name shown for the user: the token's {@code name} claim, else its {@code sub}; two users
 *              may share one
 * @param rooms the token's {@code rooms} claim: room names, where a trailing {@code *} matches any suffix
 *              ({@code ["team:eng", "dm:alice-*"]}); empty when absent or not an array (non-text items are
 *              ignored)
 * @param exp   the token's expiry in epoch seconds, 0 when it has none
 */
public record Identity(String user, String name, List<String> rooms, long exp) {

  /** The longest {@code sub} taken, in characters: OpenID Connect's bound. */
  public static final int MAX_USER_CHARS = 255;

  public Identity {
    rooms = List.copyOf(rooms);
  }

  /** Whether {@code sub} may be a user: 1 to {@link #MAX_USER_CHARS} characters, none of them a control one. */
  public static boolean isValidUser(String sub) {
    return sub != null && !sub.isEmpty() && sub.length() <= MAX_USER_CHARS
      && sub.chars().noneMatch(Character::isISOControl);
  }

  /** Who this identity's chats, statuses and presence entries are from. */
  public Sender sender() {
    return new Sender(name, user);
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
