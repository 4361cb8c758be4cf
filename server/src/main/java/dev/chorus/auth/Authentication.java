package dev.chorus.auth;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Who one connection is, when JWT is on: its token comes in the upgrade's {@code ?token=} or in a first
 * {@code {"type":"auth","token":...}} message. Reading pauses while a token is verified (pause and verify),
 * so the messages after it see the outcome; a token that fails closes the connection with 1008. When the
 * token's {@code exp} (plus the leeway, security.jwtLeewaySeconds) passes the connection is closed with 4002,
 * unless a {@code {"type":"refresh"}} with a valid token of the same user (its {@code sub}) replaced it first
 * (answered {@code {"type":"refreshed","exp":...}}; a bad one or another user's closes with 1008). With JWT
 * off every connection counts as authenticated and has no identity.
 * <p>With JWT on, a connection whose token is not verified within security.authTimeoutSeconds of the upgrade
 * is closed with 1008 "authentication timeout", whatever it sent meanwhile: neither pongs nor messages extend
 * the deadline, so a socket that never authenticates holds a connection slot for that long at most.
 * Confined to its socket's event loop.
 */
public final class Authentication {

  private final Vertx vertx;
  private final ClientSocket socket;
  private final JwtAuthenticator jwt;
  private static final long MAX_TIMER_MILLIS = 24 * 3600 * 1000L;

  private long expiryTimer = -1;
  private long deadlineTimer = -1;
  private Identity identity;
  private boolean verifying;
  private Runnable onAuthenticated;
  private Runnable onRefreshed = () -> { };

  /** {@code jwt} null means JWT is off. */
  public Authentication(Vertx vertx, ClientSocket socket, JwtAuthenticator jwt) {
    this.vertx = vertx;
    this.socket = socket;
    this.jwt = jwt;
  }

  /**
   * With JWT on, starts the authentication deadline and verifying the upgrade's {@code ?token=} if one was
   * given.
   */
  public void start() {
    if (jwt == null) {
      return;
    }
    deadlineTimer = vertx.setTimer(jwt.authTimeoutMillis(), id -> {
      deadlineTimer = -1;
      if (identity == null) {
        socket.close(CloseCode.AUTHENTICATION_TIMEOUT);
      }
    });
    String token = tokenParameter(socket.query());
    if (token != null) {
      verify(token);
    }
  }

  /**
   * Runs {@code action} once the connection may take part: at once when JWT is off or the token is verified,
   * else when it is (never, if it fails).
   */
  public void whenAuthenticated(Runnable action) {
    if (jwt == null || identity != null) {
      action.run();
    } else {
      onAuthenticated = action;
    }
  }

  /**
   * Runs {@code action} after each successful refresh (the identity, and its rooms claim, changed). With JWT
   * off there are none, and the action is not kept.
   */
  public void onRefreshed(Runnable action) {
    if (jwt != null) {
      onRefreshed = action;
    }
  }

  /** Fails with {@link ChatError#AUTH_REQUIRED} when JWT is on and no token has been verified. */
  public void require() throws ProtocolException {
    if (jwt != null && identity == null) {
      throw new ProtocolException(ChatError.AUTH_REQUIRED);
    }
  }

  /** An auth message: verifies its token; {@link ChatError#INVALID_MESSAGE} when JWT is off or one was given. */
  public void authenticate(String token) throws ProtocolException {
    if (jwt == null || identity != null || verifying) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    verify(token);
  }

  /**
   * A refresh message: verifies its token while reading waits; the same user's valid token replaces the
   * connection's (its expiry and its rooms claim), anything else closes with 1008.
   */
  public void refresh(String token) throws ProtocolException {
    if (jwt == null) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    String user = identity.user();
    socket.pause();
    jwt.verify(token).onComplete(result -> {
      if (!socket.isOpen()) {
        return;
      }
      if (result.failed() || !result.result().user().equals(user)) {
        socket.close(CloseCode.AUTHENTICATION_FAILED);
        return;
      }
      identity = result.result();
      expireAt(identity.exp());
      socket.sendReply(MessageCodec.encode(new ServerMessage.Refreshed(identity.exp())));
      onRefreshed.run();
      socket.resume();
    });
  }

  /** The connection closed: its deadline and its token's expiry no longer matter. */
  public void closed() {
    cancelDeadline();
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  /** Closes the connection with 4002 once {@code exp} (epoch seconds; 0: never) and the leeway have passed. */
  private void expireAt(long exp) {
    closed();
    if (exp <= 0) {
      return;
    }
    long expiresAtMillis = exp > Long.MAX_VALUE / 1000 - jwt.leewaySeconds() ? Long.MAX_VALUE
      : (exp + jwt.leewaySeconds()) * 1000;
    long delay = expiresAtMillis - System.currentTimeMillis();
    // A far expiry is waited for a day at a time, so no timer is ever armed with an absurd delay.
    expiryTimer = vertx.setTimer(Math.max(1, Math.min(delay, MAX_TIMER_MILLIS)), id -> {
      expiryTimer = -1;
      if (delay > MAX_TIMER_MILLIS) {
        expireAt(exp);
      } else {
        socket.close(CloseCode.TOKEN_EXPIRED);
      }
    });
  }

  /** Who the verified token names; null when JWT is off or nothing is verified yet. */
  public Identity identity() {
    return identity;
  }

  /** Whether JWT is on, so grants and room tokens can be checked. */
  public boolean jwtEnabled() {
    return jwt != null;
  }

  /** See {@link JwtAuthenticator#verifyRoomToken}; only with JWT on. */
  public Future<Void> verifyRoomToken(String token, String room) {
    return jwt.verifyRoomToken(token, room, identity.user());
  }

  private void verify(String token) {
    verifying = true;
    socket.pause();
    jwt.verify(token).onComplete(result -> {
      verifying = false;
      if (!socket.isOpen()) {
        return;
      }
      if (result.failed()) {
        socket.close(CloseCode.AUTHENTICATION_FAILED);
        return;
      }
      identity = result.result();
      cancelDeadline();
      expireAt(identity.exp());
      if (onAuthenticated != null) {
        Runnable action = onAuthenticated;
        onAuthenticated = null;
        action.run();
      }
      socket.resume();
    });
  }

  private void cancelDeadline() {
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }

  /** The value of {@code token} in a query string, or null. */
  static String tokenParameter(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("token=")) {
        return URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
