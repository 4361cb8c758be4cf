package dev.chorus.auth;

import dev.chorus.protocol.NameCharacters;
import dev.chorus.protocol.Sender;

import java.util.List;

/**
 * Who a verified connection token says the connection is.
 *
 * @param user  the user: the token's {@code sub}
 * @param name  the name shown for the user: the token's {@code name} claim, else its {@code sub} cut to
 *              limits.maxNameChars ({@link #displayName}); two users may share one
 * @param rooms the token's {@code rooms} claim: room names, where a trailing {@code *} matches the rest of the
 *              name part ({@code ["team:eng", "team:proj-*"]}, see {@link #grants}); empty when absent or not
 *              an array (non-text items are ignored)
 * @param exp   the token's expiry in epoch seconds, 0 when it has none
 */
public record Identity(String user, String name, List<String> rooms, long exp) {

  /** The longest {@code sub} taken, in characters: OpenID Connect's bound. */
  public static final int MAX_USER_CHARS = 255;

  public Identity {
    rooms = List.copyOf(rooms);
  }

  /**
   * Whether {@code sub} may be a user: 1 to {@link #MAX_USER_CHARS} characters, not only spaces, and nothing
   * a name may not hold ({@link NameCharacters}): a user is shown as {@code "user"} next to every name.
   */
  public static boolean isValidUser(String sub) {
    return sub != null && sub.length() <= MAX_USER_CHARS && !NameCharacters.blank(sub)
      && !NameCharacters.anyForbidden(sub);
  }

  /**
   * The name shown for a token's user: its {@code name} claim, else its {@code sub} cut to
   * {@code maxNameChars} characters (code points), so that an identity provider's long subs (Keycloak's
   * 36-character UUIDs, Azure AD's 43 characters) still pass the name rules. The user stays the whole sub.
   */
  public static String displayName(String nameClaim, String sub, int maxNameChars) {
    if (nameClaim != null) {
      return nameClaim;
    }
    return sub.codePointCount(0, sub.length()) <= maxNameChars ? sub
      : sub.substring(0, sub.offsetByCodePoints(0, maxNameChars));
  }

  /** Who this identity's chats, statuses and presence entries are from. */
  public Sender sender() {
    return new Sender(name, user);
  }

  /**
   * Whether the token's {@code rooms} claim grants {@code room}: an entry equal to it, or an entry ending in
   * {@code *} whose literal prefix (everything before the {@code *}) the room starts with, the {@code *}
   * standing for the rest of the room's name part and never for a {@code :}. So {@code team:proj-*} grants
   * {@code team:proj-a} but {@code te*} does not grant {@code team:eng}, and {@code *} grants the rooms
   * without a namespace only. A {@code *} anywhere else is literal, and no room name holds one.
   */
  public boolean grants(String room) {
    for (String grant : rooms) {
      if (matches(grant, room)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String grant, String room) {
    if (!grant.endsWith("*")) {
      return grant.equals(room);
    }
    int prefixLength = grant.length() - 1;
    return room.startsWith(grant.substring(0, prefixLength)) && room.indexOf(':', prefixLength) < 0;
  }
}
