package dev.chorus.protocol;

/** A message the server sends on /chat, encoded by {@link MessageCodec}. */
public sealed interface ServerMessage {

  /** {@code {"type":"status","message":"alice joined the chat."}} */
  record Status(String message) implements ServerMessage {
    public static Status joined(String name) {
      return new Status(name + " joined the chat.");
    }

    public static Status left(String name) {
      return new Status(name + " left the chat.");
    }
  }

  /** {@code {"type":"chat","sender":"alice","message":"hi"}} */
  record Chat(String sender, String message) implements ServerMessage {
  }

  /** {@code {"type":"error","message":"..."}}: sent to one client only. */
  record Error(String message) implements ServerMessage {
  }
}
