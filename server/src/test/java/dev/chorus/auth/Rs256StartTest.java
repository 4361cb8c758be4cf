package dev.chorus.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node verifying RS256 tokens (typically an identity provider's key, shared by all its applications) says
 * once at start when it checks neither audience nor issuer; with either set it says nothing, and admits the
 * provider's tokens for it.
 */
@Timeout(120)
class Rs256StartTest {

  private static KeyPair keys;
  @TempDir
  static Path dir;
  private static Path publicKey;

  private final Logger log = (Logger) LoggerFactory.getLogger(JwtAuthenticator.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void createKeys() throws NoSuchAlgorithmException, IOException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    publicKey = dir.resolve("idp-public.pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  @BeforeEach
  void capture() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void release() {
    log.detachAppender(logged);
  }

  private long unscopedWarnings() {
    return logged.list.stream().filter(line -> line.getLevel() == Level.WARN
      && line.getFormattedMessage().contains("security.jwtAudience")).count();
  }

  @Test
  void withoutAudienceOrIssuerTheNodeWarnsOnceAtStart() {
    try (TestNode node = TestNode.inProcess().env("JWT_PUBLIC_KEY_PATH", publicKey.toString())
      .env("SERVER_INSTANCES", "2").start()) {
      assertEquals(1, unscopedWarnings(), "one line for the node, whatever its verticles: " + logged.list);
    }
  }

  @Test
  void withAnAudienceTheNodeIsQuietAndAdmitsTokensForIt() {
    try (TestNode node = TestNode.inProcess().env("JWT_PUBLIC_KEY_PATH", publicKey.toString())
      .env("JWT_AUDIENCE", "chorus").start()) {
      assertEquals(0, unscopedWarnings(), logged.list.toString());
      JWTAuth provider = JWTAuth.create(node.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
      String token = provider.generateToken(new JsonObject().put("sub", "rs-user").put("aud", "chorus"),
        new JWTOptions().setAlgorithm("RS256"));
      try (ChatClient client = node.connect("/chat?token=" + token)) {
        client.join("ignored");
        client.awaitJson(joined("rs-user"));
      }
    }
  }
}
