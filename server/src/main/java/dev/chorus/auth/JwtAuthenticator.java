package dev.chorus.auth;

import dev.chorus.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Verifies JSON Web Tokens with vertx-auth-jwt: HS256 with security.jwtSecret, or RS256 with the PEM public
 * key at security.jwtPublicKeyPath. Signature and, when present, expiry are checked. The verified name is the
 * token's {@code name} claim, else its {@code sub}.
 */
public final class JwtAuthenticator {

  private final JWTAuth auth;

  private JwtAuthenticator(JWTAuth auth) {
    this.auth = auth;
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
    return new JwtAuthenticator(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key)));
  }

  /** The verified name in {@code token}; fails for a bad signature, an expired token or no name. */
  public Future<String> verifiedName(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture("no token");
    }
    return auth.authenticate(new TokenCredentials(token)).compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      String name = claims.getString("name", claims.getString("sub"));
      return name == null ? Future.failedFuture("token has no name") : Future.succeededFuture(name);
    });
  }
}
