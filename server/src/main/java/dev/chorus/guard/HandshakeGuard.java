package dev.chorus.guard;

import io.vertx.core.MultiMap;

import java.util.Base64;

/**
 * Decides whether a WebSocket upgrade may proceed, before any socket exists: a request without a valid
 * Sec-WebSocket-Key or without Sec-WebSocket-Version gets 400 (an unsupported version already gets 426 from
 * Vert.x), a page from a foreign origin 403, and a node at limits.maxConnections 503. Thread-safe.
 */
public final class HandshakeGuard {

  /** Accept the upgrade. */
  public static final int ACCEPT = 0;

  private final OriginPolicy origins;
  private final ConnectionLimiter connections;
  private final GuardCounters counters;

  public HandshakeGuard(OriginPolicy origins, ConnectionLimiter connections, GuardCounters counters) {
    this.origins = origins;
    this.connections = connections;
    this.counters = counters;
  }

  /** {@link #ACCEPT}, or the HTTP status to refuse the upgrade with. */
  public int check(MultiMap headers) {
    int status = statusFor(headers);
    if (status != ACCEPT) {
      counters.upgradeRefused(status);
    }
    return status;
  }

  private int statusFor(MultiMap headers) {
    if (!validKey(headers.get("Sec-WebSocket-Key")) || headers.get("Sec-WebSocket-Version") == null) {
      return 400;
    }
    if (!origins.allows(headers.get("Origin"), headers.get("Host"))) {
      return 403;
    }
    if (!connections.hasRoom()) {
      return 503;
    }
    return ACCEPT;
  }

  /** RFC 6455 4.1: the key is the base64 encoding of 16 bytes. */
  private static boolean validKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
