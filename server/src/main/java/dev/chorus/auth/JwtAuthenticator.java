package dev.chorus.auth;

import dev.chorus.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies JSON Web Tokens with vertx-auth-jwt: HS256 with security.jwtSecret, or RS256 with the PEM public
 * key at security.jwtPublicKeyPath. The signature is checked; {@code exp}, {@code nbf} and {@code iat} when
 * present, each with security.jwtLeewaySeconds of clock skew; {@code aud} and {@code iss} when
 * security.jwtAudience and security.jwtIssuer are set (a token without them is refused then). Connection
 * tokens name a user ({@link Identity}); room tokens grant one user one private room
 * ({@link #verifyRoomToken}). Immutable; shared by the verticles of a node.
 */
public final class JwtAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

  private final JWTAuth auth;
  private final int leewaySeconds;
  private final long authTimeoutMillis;
  private final int maxNameChars;

  private JwtAuthenticator(JWTAuth auth, int leewaySeconds, long authTimeoutMillis, int maxNameChars) {
    this.auth = auth;
    this.leewaySeconds = leewaySeconds;
    this.authTimeoutMillis = authTimeoutMillis;
    this.maxNameChars = maxNameChars;
  }

  /**
   * Logs one warning when an RS256 key is set without security.jwtAudience or security.jwtIssuer: such a key
   * is usually an identity provider's, and every token it signs for any application would log in. Called
   * once per node, at start.
   */
  public static void warnIfUnscoped(Settings.Security security) {
    if (!security.jwtPublicKeyPath().isEmpty() && security.jwtAudience().isEmpty() && security.jwtIssuer().isEmpty()) {
      LOG.warn("security.jwtPublicKeyPath is set without security.jwtAudience (JWT_AUDIENCE) or security.jwtIssuer "
        + "(JWT_ISSUER): any token its key signed, for any application, authenticates here");
    }
  }

  /**
   * An authenticator for the configured key; the settings must have JWT enabled. A token without a
   * {@code name} is shown by its {@code sub}, cut to {@code maxNameChars} (limits.maxNameChars).
   */
  public static JwtAuthenticator create(Vertx vertx, Settings.Security security, int maxNameChars) {
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
    JWTOptions checks = new JWTOptions().setLeeway(security.jwtLeewaySeconds());
    if (!security.jwtAudience().isEmpty()) {
      checks.addAudience(security.jwtAudience());
    }
    if (!security.jwtIssuer().isEmpty()) {
      checks.setIssuer(security.jwtIssuer());
    }
    return new JwtAuthenticator(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(checks)),
      security.jwtLeewaySeconds(), security.authTimeoutSeconds() * 1000L, maxNameChars);
  }

  /** How long a connection may take to present a token that verifies (security.authTimeoutSeconds). */
  public long authTimeoutMillis() {
    return authTimeoutMillis;
  }

  /** The clock skew allowed to a token's times, in seconds: a connection outlives its token's exp by as much. */
  public int leewaySeconds() {
    return leewaySeconds;
  }

  /**
   * Who a connection token names; fails for a bad signature, an expired or not yet valid token, another
   * audience or issuer, a {@code sub} that is no user ({@link Identity#isValidUser}), or a room token (one
   * with a {@code room} claim: it admits one join, it is no key to the whole connection).
   */
  public Future<Identity> verify(String token) {
    return claims(token).compose(claims -> {
      if (claims.containsKey("room")) {
        return Future.failedFuture("a room token is no connection token");
      }
      String user = text(claims, "sub");
      if (!Identity.isValidUser(user)) {
        return Future.failedFuture("token has no usable sub");
      }
      String name = text(claims, "name");
      return Future.succeededFuture(new Identity(user, Identity.displayName(name, user, maxNameChars), rooms(claims),
        number(claims, "exp")));
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
