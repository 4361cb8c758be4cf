package dev.chorus.protocol;

/** RFC 6455 close codes Chorus sends, with their reasons (under 123 bytes) and whether to reconnect. */
public enum CloseCode {
  /** The node is shutting down: reconnect, ideally to another node. */
  GOING_AWAY(1001, "server shutting down", true),
  /** A binary message on an endpoint that takes text only. */
  UNSUPPORTED_DATA(1003, "text messages only", false),
  /** A message larger than the configured limit. */
  MESSAGE_TOO_BIG(1009, "message too big", false);

  private final short code;
  private final String reason;
  private final boolean reconnect;

  CloseCode(int code, String reason, boolean reconnect) {
    this.code = (short) code;
    this.reason = reason;
    this.reconnect = reconnect;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** Whether a client should reconnect after this close. */
  public boolean reconnect() {
    return reconnect;
  }
}
