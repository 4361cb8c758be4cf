package dev.chorus.protocol;

/** A client message that cannot be accepted; carries the reply the client gets. */
public final class ProtocolException extends Exception {
  private final ChatError error;

  public ProtocolException(ChatError error) {
    super(error.text(), null, false, false);
    this.error = error;
  }

  public ChatError error() {
    return error;
  }
}
