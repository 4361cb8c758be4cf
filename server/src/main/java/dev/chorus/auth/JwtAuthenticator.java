package dev.chorus.auth;

import dev.chorus.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies JSON Web Tokens with vertx-auth-jwt: HS256 with security.jwtSecret, or RS256 with the PEM public
 * key at security.jwtPublicKeyPath. Signature and, when present, expiry are checked. Connection tokens name a
 * user ({@link Identity}); room tokens grant one user one private room ({@link #verifyRoomToken}).
 */
public final class JwtAuthenticator {

  private final JWTAuth auth;
  private final long authTimeoutMillis;

  private JwtAuthenticator(JWTAuth auth, long authTimeoutMillis) {
    this.auth = auth;
    this.authTimeoutMillis = authTimeoutMillis;
  }

  /** An authenticator for the configured key; the settings must have JWT enabled. */
  public static JwtAuthenticator create(Vertx vertx, Settings.Security security) {
    PubSecKeyOptions key;
    if (!security.jwtSecret().isEmpty()) {
      key = new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(security.jwtSecret());
    } else {
      try {
        key = new PubSecKeyOptions().setAlgorithm("RS256")
          .setBuffer(Files.readString(Path.of(security.jwtPublicKeyPath())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new JwtAuthenticator(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key)),
      security.authTimeoutSeconds() * 1000L);
  }

  /** How long a connection may take to present a token that verifies (security.authTimeoutSeconds). */
  public long authTimeoutMillis() {
    return authTimeoutMillis;
  }

  /**
   * Who a connection token names; fails for a bad signature, an expired token, no name, or a room token (one
   * with a {@code room} claim: it admits one join, it is no key to the whole connection).
   */
  public Future<Identity> verify(String token) {
    return claims(token).compose(claims -> {
      if (claims.containsKey("room")) {
        return Future.failedFuture("a room token is no connection token");
      }
      Object name = claims.getValue("name") != null ? claims.getValue("name") : claims.getValue("sub");
      return name instanceof String user ? Future.succeededFuture(new Identity(user, rooms(claims), number(claims, "exp")))
        : Future.failedFuture("token has no name");
    });
  }

  /**
   * Whether a room token grants {@code user} the room {@code room}: a valid signature, claims {@code room}
   * exactly this room, {@code sub} this user and an {@code exp} not yet passed. Fails otherwise, saying why.
   */
  public Future<Void> verifyRoomToken(String token, String room, String user) {
    return claims(token).compose(claims -> {
      if (number(claims, "exp") <= 0) {
        return Future.failedFuture("room token has no exp");
      }
      if (!room.equals(text(claims, "room")) || !user.equals(text(claims, "sub"))) {
        return Future.failedFuture(new RoomTokenMismatch("room token is for another room or user"));
      }
      return Future.succeededFuture();
    });
  }

  /** A room token that verifies but does not grant this room to this user. */
  public static final class RoomTokenMismatch extends RuntimeException {
    RoomTokenMismatch(String message) {
      super(message, null, false, false);
    }
  }

  private Future<JsonObject> claims(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture("no token");
    }
    try {
      return auth.authenticate(new TokenCredentials(token))
        .map(user -> user.attributes().getJsonObject("accessToken", user.principal()));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, instead of failing, for a signed token whose exp, iat or nbf is no number.
      return Future.failedFuture(e);
    }
  }

  private static String text(JsonObject claims, String claim) {
    return claims.getValue(claim) instanceof String value ? value : null;
  }

  private static long number(JsonObject claims, String claim) {
    return claims.getValue(claim) instanceof Number value ? value.longValue() : 0;
  }

  private static List<String> rooms(JsonObject claims) {
    List<String> rooms = new ArrayList<>();
    if (claims.getValue("rooms") instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof String room) {
          rooms.add(room);
        }
      }
    }
    return rooms;
  }
}
