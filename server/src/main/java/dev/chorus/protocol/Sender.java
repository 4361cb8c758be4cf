package dev.chorus.protocol;

import java.util.Objects;

/**
 * Who a chat, a status, a typing notice or a presence entry is from: {@code name}, the name shown, and
 * {@code user}, the user it is. With JWT on the user is the token's {@code sub} and the name its {@code name}
 * claim (else the sub), so two people may share a name and still be two users; with JWT off {@code user} is
 * null and the user is the name. The wire carries {@code user} only when it is not null.
 * <p>Stores (history, presence) keep a sender as one string, {@link #stored()}: the name, then U+001F and the
 * user when there is one. Names hold no control characters, so the first U+001F ends the name; a string
 * without one (stored with JWT off) is a name alone.
 */
public record Sender(String name, String user) {

  private static final char SEPARATOR = '\u001F';

  public Sender {
    Objects.requireNonNull(name, "name");
  }

  /** A sender with JWT off, or the admin API's: the name is the user. */
  public static Sender named(String name) {
    return new Sender(name, null);
  }

  /** The user: the token's sub with JWT on, else the name. */
  public String userId() {
    return user != null ? user : name;
  }

  /** This sender as stores keep it. */
  public String stored() {
    return user == null ? name : name + SEPARATOR + user;
  }

  /** The sender {@link #stored()} made {@code stored}. */
  public static Sender fromStored(String stored) {
    int separator = stored.indexOf(SEPARATOR);
    return separator < 0 ? named(stored) : new Sender(stored.substring(0, separator), stored.substring(separator + 1));
  }
}
