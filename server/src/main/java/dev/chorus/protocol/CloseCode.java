package dev.chorus.protocol;

import java.util.Locale;

/** RFC 6455 close codes Chorus sends, with their reasons (under 123 bytes) and whether to reconnect. */
public enum CloseCode {
  /** The node is shutting down: reconnect, ideally to another node. */
  GOING_AWAY(1001, "server shutting down", true),
  /** No frame or pong for limits.idleTimeoutSeconds: the peer is gone or stuck. */
  IDLE_TIMEOUT(1001, "idle timeout", true),
  /** A frame that breaks RFC 6455 (reserved opcode or bits, unmasked, bad fragmentation or control frame). */
  PROTOCOL_ERROR(1002, "protocol error", false),
  /** A binary message on an endpoint that takes text only. */
  UNSUPPORTED_DATA(1003, "text messages only", false),
  /** A text message that is not valid UTF-8. */
  INVALID_PAYLOAD(1007, "invalid UTF-8", false),
  /**
   * A compressed message (permessage-deflate) that is not deflate data. RFC 7692 names no code; the payload
   * is not what its frame says it is, as with invalid UTF-8.
   */
  INVALID_COMPRESSED(1007, "invalid compressed data", false),
  /** Sustained sending beyond the rate limit. */
  RATE_LIMIT_EXCEEDED(1008, "rate limit exceeded", false),
  /** The client stopped reading: its outbound queue stayed full past limits.slowConsumerTimeoutMillis. */
  SLOW_CONSUMER(1008, "slow consumer: outbound queue full", true),
  /** A token that fails verification. */
  AUTHENTICATION_FAILED(1008, "authentication failed", false),
  /** With JWT on, no token verified within security.authTimeoutSeconds of the upgrade: reconnect with one. */
  AUTHENTICATION_TIMEOUT(1008, "authentication timeout", false),
  /** A message larger than the configured limit. */
  MESSAGE_TOO_BIG(1009, "message too big", false),
  /** The admin API disconnected the connection's user: do not reconnect. */
  DISCONNECTED_BY_SERVER(4001, "disconnected by the server", false),
  /** The connection's token expired before a refresh replaced it: reconnect only with a new token. */
  TOKEN_EXPIRED(4002, "token expired", false);

  private final short code;
  private final String reason;
  private final boolean reconnect;
  private final String metricKind = name().toLowerCase(Locale.ROOT);

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

  /** The close's kind in the metrics ({@code chorus_errors_total{kind}}): the constant's name in lower case. */
  public String metricKind() {
    return metricKind;
  }

  /** Whether a client should reconnect after this close. */
  public boolean reconnect() {
    return reconnect;
  }
}
