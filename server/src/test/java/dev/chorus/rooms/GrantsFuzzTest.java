package dev.chorus.rooms;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.SettingsFiles;
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

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random room names (with and without namespaces) and random token claims (missing, wrong types, huge,
 * unicode): every join gets the answer an independent reading of the rules predicts, every token either
 * authenticates or closes with 1008 (1009 when the auth message itself is too big), and the node keeps
 * serving. The seed is printed
 * (-Dchorus.fuzz.seed replays it).
 */
@Timeout(120)
class GrantsFuzzTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final Set<String> NAMESPACES = Set.of("team", "open");
  private static final String[] PIECES = {"team", "open", "nosuch", ":", "::", "a", "Z9", "-", "_", ".", " ", "é",
    "\u2028", "\uD83D\uDE00", "x".repeat(33), "y".repeat(65), "/", "*", "\u0000"};
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("JWT_SECRET", SECRET)
    .configure(env -> env.put("CHORUS_CONFIG", SettingsFiles.write("""
      {"rooms": {"namespaces": {"team": {"private": true}, "open": {}}}}""")));

  private static JWTAuth issuer;

  @BeforeAll
  static void createIssuer() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  private static Random random() {
    long seed = Long.getLong("chorus.fuzz.seed", System.nanoTime());
    System.out.println("GrantsFuzzTest seed " + seed);
    return new Random(seed);
  }

  private static String roomName(Random random) {
    StringBuilder name = new StringBuilder();
    int pieces = 1 + random.nextInt(4);
    for (int i = 0; i < pieces; i++) {
      name.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return name.toString();
  }

  /** Whether every character of {@code text} is an ASCII letter or digit, or one of {@code others}. */
  private static boolean madeOf(String text, String others) {
    for (char c : text.toCharArray()) {
      boolean alphanumeric = c < 128 && Character.isLetterOrDigit(c);
      if (!alphanumeric && others.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The answer the rules (docs/protocol.md) give to a join of {@code room} by a connection granted {@code team:a*}. */
  private static JsonObject expected(String room) {
    int colon = room.indexOf(':');
    String namespace = colon < 0 ? null : room.substring(0, colon);
    String name = colon < 0 ? room : room.substring(colon + 1);
    boolean validNamespace = namespace == null
      || (!namespace.isEmpty() && namespace.length() <= 32 && madeOf(namespace, "-_"));
    boolean validName = !name.isEmpty() && name.length() <= 64 && madeOf(name, "-_.");
    if (!validNamespace || !validName) {
      return error(ChatError.INVALID_ROOM);
    }
    if (namespace != null && !NAMESPACES.contains(namespace)) {
      return error(ChatError.INVALID_ROOM);
    }
    if ("team".equals(namespace) && !room.startsWith("team:a")) {
      return error(ChatError.NOT_ALLOWED_IN_ROOM, room);
    }
    return joined(room, "fuzzer");
  }

  @Test
  void everyRoomNameGetsTheAnswerTheRulesPredict() {
    Random random = random();
    String token = issuer.generateToken(new JsonObject().put("sub", "fuzzer").put("rooms", new JsonArray().add("team:a*")),
      new JWTOptions().setExpiresInSeconds(600));
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      Set<String> tried = new java.util.HashSet<>();
      for (int i = 0; i < 400; i++) {
        String room = roomName(random);
        if (!tried.add(room)) {
          // A room left a moment ago may still send its leave notice to a new subscription: new names only.
          continue;
        }
        client.send(new JsonObject().put("type", "join").put("name", "fuzzer").put("room", room));
        JsonObject answer = expected(room);
        client.expect(answer);
        if ("status".equals(answer.getString("type"))) {
          client.send(new JsonObject().put("type", "leave").put("room", room));
          client.expect(left(room, "fuzzer"));
        }
      }
      assertFalse(client.isClosed());
    }
  }

  /** A claim value of a random kind: missing (null), a wrong type, huge, or unicode. */
  private static Object claim(Random random) {
    return switch (random.nextInt(11)) {
      case 0 -> null;
      case 1 -> random.nextInt();
      case 2 -> "\uD83D\uDE00é\u2028" + random.nextInt(100);
      case 3 -> "z".repeat(10_000);
      case 4 -> new JsonObject().put("team", "a");
      case 5 -> new JsonArray().add(1).add(true).add(new JsonObject());
      case 6 -> new JsonArray(List.of("team:*", "\uD83D\uDE00*", "*"));
      case 7 -> new JsonArray(java.util.Collections.nCopies(5_000, "team:x"));
      case 8 -> random.nextBoolean() ? 1.5 : -1;
      case 9 -> Long.MAX_VALUE;
      default -> "fuzz-user";
    };
  }

  @Test
  void everyTokenEitherAuthenticatesOrIsRefusedWithAClose() {
    Random random = random();
    int authenticated = 0;
    int refused = 0;
    for (int i = 0; i < 60; i++) {
      JsonObject claims = new JsonObject();
      for (String name : List.of("sub", "name", "rooms", "exp", "iat", "nbf")) {
        Object value = claim(random);
        if (value != null) {
          claims.put(name, value);
        }
      }
      String token = issuer.generateToken(claims, new JWTOptions().setNoTimestamp(true));
      // In an auth message, not the URL: huge claims would not fit an upgrade request's first line.
      try (ChatClient client = NODE.connect()) {
        client.send(new JsonObject().put("type", "auth").put("token", token));
        try {
          client.send(new JsonObject().put("type", "join").put("name", "ignored").put("room", "open:hall"));
        } catch (RuntimeException closedAlready) {
          // The token was refused before the join went out: the close is checked below.
        }
        ChatClient.Received first = client.nextOrClosed(WAIT);
        if (first == null) {
          // 1008 for a token that fails verification, 1009 for an auth message over server.maxMessageBytes.
          short code = client.awaitClose(WAIT);
          assertTrue(code == 1008 || code == 1009, "claims " + shorten(claims) + " closed with " + code);
          refused++;
          continue;
        }
        JsonObject answer = first.json();
        boolean joined = "status".equals(answer.getString("type"));
        boolean badName = ChatError.INVALID_NAME.text().equals(answer.getString("message"));
        assertTrue(joined || badName, "claims " + shorten(claims) + " got " + answer.encode());
        authenticated++;
      }
    }
    System.out.println("GrantsFuzzTest: " + authenticated + " tokens authenticated, " + refused + " refused");
    try (ChatClient fresh = NODE.connect("/chat?token=" + issuer.generateToken(new JsonObject().put("sub", "fresh"),
        new JWTOptions().setExpiresInSeconds(60)))) {
      fresh.send(new JsonObject().put("type", "join").put("name", "fresh").put("room", "open:hall"));
      fresh.expect(joined("open:hall", "fresh"));
    } catch (RuntimeException e) {
      fail("the node stopped serving: " + e);
    }
  }

  private static String shorten(JsonObject claims) {
    String text = claims.encode();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
