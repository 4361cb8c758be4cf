package dev.chorus.protocol;

/** A message a client sends on /chat, decoded by {@link MessageCodec}. */
public sealed interface ClientMessage {

  /** {@code {"type":"join","name":"alice"}}: the seed's default name is "Anonymous". */
  record Join(String name) implements ClientMessage {
    public static final String DEFAULT_NAME = "Anonymous";
  }

  /** {@code {"type":"chat","message":"hi"}}: a missing message is the empty string, as in the seed. */
  record Chat(String message) implements ClientMessage {
  }

  /** {@code {"type":"auth","token":"<JWT>"}}: authenticates a connection when JWT is enabled. */
  record Auth(String token) implements ClientMessage {
  }
}
