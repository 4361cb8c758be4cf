package dev.chorus.admission;

/** The answer to a WebSocket upgrade request: accepted, or refused with an HTTP status. */
public enum Admission {

  ACCEPTED(0),
  /** No valid Sec-WebSocket-Key (16 bytes in base64) or no Sec-WebSocket-Version. */
  BAD_HANDSHAKE(400),
  /** A page from an origin neither the node's own nor listed in security.allowedOrigins ({@link OriginPolicy}). */
  FOREIGN_ORIGIN(403),
  /** The client's address holds as many WebSockets as one address may (limits.maxConnectionsPerAddress). */
  ADDRESS_FULL(429),
  /** The node holds as many WebSockets as it may (limits.maxConnections, or fewer for the open-file limit). */
  NODE_FULL(503);

  private final int httpStatus;

  Admission(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public boolean accepted() {
    return this == ACCEPTED;
  }

  /** The HTTP status of a refusal; 0 for {@link #ACCEPTED}. */
  public int httpStatus() {
    return httpStatus;
  }
}
