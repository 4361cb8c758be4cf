package dev.chorus.auth;

import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node with security.jwtAudience and security.jwtIssuer set admits only tokens its identity provider issued
 * for it, and allows security.jwtLeewaySeconds (30 by default) of clock skew to exp, nbf and iat.
 */
@Timeout(60)
class JwtClaimsTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final String AUDIENCE = "chorus-test";
  private static final String ISSUER = "https://idp.example.test";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("JWT_SECRET", SECRET)
    .env("JWT_AUDIENCE", AUDIENCE).env("JWT_ISSUER", ISSUER);

  private static JWTAuth issuer;

  @BeforeAll
  static void createIssuer() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims this node accepts: its audience and issuer, issued now, for an hour. */
  private static JsonObject valid(String user) {
    return new JsonObject().put("sub", user).put("aud", AUDIENCE).put("iss", ISSUER).put("iat", now())
      .put("exp", now() + 3600);
  }

  private static UnaryOperator<JsonObject> set(String claim, Object value) {
    return claims -> claims.put(claim, value);
  }

  private static UnaryOperator<JsonObject> without(String claim) {
    return claims -> {
      claims.remove(claim);
      return claims;
    };
  }

  static Stream<Arguments> admitted() {
    return Stream.of(
      Arguments.of("its audience and issuer", UnaryOperator.<JsonObject>identity()),
      Arguments.of("its audience among others in an array", set("aud", new JsonArray().add("other-app").add(AUDIENCE))),
      Arguments.of("iat 20 s ahead (within the leeway)", set("iat", now() + 20)),
      Arguments.of("nbf 20 s ahead (within the leeway)", set("nbf", now() + 20)),
      Arguments.of("exp 10 s ago (within the leeway)", set("exp", now() - 10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void admitted(String name, UnaryOperator<JsonObject> change) {
    String user = "admitted-" + Math.abs(name.hashCode());
    String token = issuer.generateToken(change.apply(valid(user)), new JWTOptions().setNoTimestamp(true));
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      client.join("ignored");
      client.awaitJson(joined(user));
    }
  }

  @Test
  void aSubOverTheNameLimitWithoutANameJoinsShownCutToTheLimit() {
    // Keycloak's subs are 36-character UUIDs; limits.maxNameChars is 32.
    String sub = UUID.randomUUID().toString();
    String token = issuer.generateToken(valid(sub), new JWTOptions().setNoTimestamp(true));
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      client.join("ignored");
      client.awaitJson(joined(sub.substring(0, 32)).put("user", sub));
    }
  }

  static Stream<Arguments> refused() {
    return Stream.of(
      Arguments.of("another audience", set("aud", "other-app")),
      Arguments.of("an array of other audiences", set("aud", new JsonArray().add("other-app").add("third-app"))),
      Arguments.of("no audience", without("aud")),
      Arguments.of("another issuer", set("iss", "https://evil.example")),
      Arguments.of("no issuer", without("iss")),
      Arguments.of("iat 120 s ahead (beyond the leeway)", set("iat", now() + 120)),
      Arguments.of("nbf 120 s ahead (beyond the leeway)", set("nbf", now() + 120)),
      Arguments.of("exp 120 s ago (beyond the leeway)", set("exp", now() - 120)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String name, UnaryOperator<JsonObject> change) {
    String token = issuer.generateToken(change.apply(valid("refused")), new JWTOptions().setNoTimestamp(true));
    try (RawWebSocket raw = NODE.raw("/chat?token=" + token)) {
      assertEquals(1008, raw.awaitCloseCode());
    }
  }
}
