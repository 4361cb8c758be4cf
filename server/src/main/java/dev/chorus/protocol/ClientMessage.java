package dev.chorus.protocol;

/**
 * A message a client sends on /chat, decoded by {@link MessageCodec}. A {@code room} of null means "not
 * given": the chat connection resolves it (docs/protocol.md, "Rooms").
 */
public sealed interface ClientMessage {

  /**
   * {@code {"type":"join","name":"alice","room":"dev","since":41,"epoch":"...","token":"<JWT>","meta":{...}}}:
   * the seed's default name is "Anonymous", no room is "lobby"; {@code since} (null when absent) asks for the
   * retained chat messages with a greater seq before the live ones, and {@code epoch} (null when absent) names
   * the room's epoch that since counts in; {@code token} (null when absent) is a room token,
   * a grant for a private room; {@code meta} (null when absent) is a JSON object of at most
   * {@link #MAX_META_BYTES} bytes, encoded, shown with the member in presence and its notices.
   */
  record Join(String name, String room, Long since, String epoch, String token, String meta) implements ClientMessage {
    public static final String DEFAULT_NAME = "Anonymous";
    /** The longest encoding of a join's meta, in bytes of UTF-8. */
    public static final int MAX_META_BYTES = 256;

    /** The seed's join: a name only. */
    public Join(String name) {
      this(name, null, null, null, null, null);
    }

    /** A join without an epoch. */
    public Join(String name, String room, Long since, String token, String meta) {
      this(name, room, since, null, token, meta);
    }
  }

  /**
   * {@code {"type":"chat","room":"dev","message":"hi","id":"c-17"}}: a missing message is the empty string, as in
   * the seed; {@code id} (null when absent, else {@link #isValidId valid}) makes the chat idempotent and acked.
   */
  record Chat(String room, String message, String id) implements ClientMessage {
    /** The longest id, in characters. */
    public static final int MAX_ID_LENGTH = 64;

    /** The seed's chat: no room. */
    public Chat(String message) {
      this(null, message, null);
    }

    /** A chat without an id. */
    public Chat(String room, String message) {
      this(room, message, null);
    }

    /** An id is 1-{@value #MAX_ID_LENGTH} printable ASCII characters without spaces ('!' to '~'). */
    public static boolean isValidId(String id) {
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
        return false;
      }
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c < '!' || c > '~') {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code {"type":"leave","room":"dev"}} */
  record Leave(String room) implements ClientMessage {
  }

  /** {@code {"type":"typing","room":"dev"}}: tells the room's other members, at most once a second. */
  record Typing(String room) implements ClientMessage {
  }

  /** {@code {"type":"who","room":"dev"}}: asks for the room's presence. */
  record Who(String room) implements ClientMessage {
  }

  /** {@code {"type":"auth","token":"<JWT>"}}: authenticates a connection when JWT is enabled. */
  record Auth(String token) implements ClientMessage {
  }

  /** {@code {"type":"refresh","token":"<JWT>"}}: replaces the connection's token before it expires. */
  record Refresh(String token) implements ClientMessage {
  }
}
